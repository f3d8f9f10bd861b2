import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { FLEET_SCHEMA_PATH } from '../../scripts/fleet-schema';
import {
  FleetSpecFileError,
  loadFleetSpec,
  MAX_SPEC_FILE_BYTES,
  parseFleetSpecText,
} from '../../src/lifecycle/fleet-spec-file';

const EXAMPLE = join(__dirname, '../../examples/fleet.yaml');

const VALID_YAML = `stores:
  - displayName: eu
    description: Tenants in Europe
tenants:
  - id: acme
    store: eu
    configuration:
      displayName: acme support
      description: Support line of acme
`;

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'fleet-spec-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(load: () => unknown): Promise<FleetSpecFileError> {
  try {
    await load();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetSpecFileError);
    return error as FleetSpecFileError;
  }
  throw new Error('expected the spec file to be refused');
}

test('a YAML file is read and validated, and named after the file without its extension', async () => {
  const spec = await loadFleetSpec(write('prod-eu.yaml', VALID_YAML));
  expect(spec).toEqual({
    name: 'prod-eu',
    stores: [{ displayName: 'eu', description: 'Tenants in Europe' }],
    tenants: [
      {
        id: 'acme',
        store: 'eu',
        configuration: { displayName: 'acme support', description: 'Support line of acme' },
      },
    ],
  });
  // JSON is YAML too; a name in the spec wins over the file's.
  const json = JSON.stringify({ ...parseYaml(VALID_YAML), name: 'shop' });
  expect(await loadFleetSpec(write('spec.json', json))).toEqual({ ...spec, name: 'shop' });
});

test('each problem is one line naming the file, the path and the rule', async () => {
  const text =
    VALID_YAML.replace('store: eu', 'store: asia').replace('id: acme', 'id: acme corp') + 'color: blue\n';
  const error = await refusal(() => loadFleetSpec(write('fleet.yaml', text)));
  expect(error.file).toBe('fleet.yaml');
  expect(error.message.split('\n')).toEqual([
    'fleet.yaml: tenants[0].id: must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)',
    'fleet.yaml: (top level): Unrecognized key: "color"',
    'fleet.yaml: tenants[0].store: names no store of the spec (stores: eu)',
  ]);
});

test('YAML syntax errors name the line and column; duplicate keys and unknown tags are errors', async () => {
  const nested = await refusal(() =>
    parseFleetSpecText('stores: []\ntenants:\n  - id: a\n     store: b\n', 'f.yaml'),
  );
  expect(nested.message.split('\n')).toEqual([
    'f.yaml:3:9: Nested mappings are not allowed in compact mappings',
    'f.yaml:3:9: Implicit keys need to be on a single line',
  ]);
  expect(nested.problems[0]).toEqual({
    at: '3:9',
    message: 'Nested mappings are not allowed in compact mappings',
  });
  expect(
    (await refusal(() => parseFleetSpecText('stores: []\ntenants: []\nstores: []\n', 'f.yaml'))).message,
  ).toBe('f.yaml:3:1: Map keys must be unique');
  expect(
    (await refusal(() => parseFleetSpecText('stores: []\ntenants: !shout []\n', 'f.yaml'))).message,
  ).toBe('f.yaml:2:10: Unresolved tag: !shout');
});

test("a spec without name whose file's name is no fleet name is refused naming the rule", async () => {
  const error = await refusal(() => parseFleetSpecText(VALID_YAML, 'specs/fleet.v2.yaml'));
  expect(error.message).toBe(
    'fleet.v2.yaml: name: is not given, and the file\'s name "fleet.v2" cannot name the fleet: it must match ' +
      '^[a-zA-Z0-9-]+$ (letters, digits, dashes); give name: in the spec',
  );
  expect(parseFleetSpecText(`name: eu-shop\n${VALID_YAML}`, 'specs/fleet.v2.yaml').name).toBe('eu-shop');
});

test('an empty file lacks the lists; a missing file and an endless one are refused naming the file', async () => {
  expect((await refusal(() => parseFleetSpecText('', 'empty.yaml'))).message).toBe(
    'empty.yaml: stores: is required\nempty.yaml: tenants: is required',
  );
  expect((await refusal(() => loadFleetSpec(join(directory, 'absent.yaml')))).message).toMatch(
    /^absent\.yaml: cannot be read: ENOENT/,
  );
  // A device reports no size: the read stops past the limit instead.
  expect((await refusal(() => loadFleetSpec('/dev/zero'))).message).toBe(
    `zero: is larger than ${MAX_SPEC_FILE_BYTES} bytes: too large for a fleet spec`,
  );
});

test('the example spec parses: 20 tenants on 3 stores, valid against the JSON Schema it names', async () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/fleet.schema.json');
  const spec = await loadFleetSpec(EXAMPLE);
  expect(spec.tenants).toHaveLength(20);
  expect(spec.stores).toHaveLength(3);
  expect(spec.tenants.filter((tenant) => tenant.onboarding).length).toBeGreaterThan(0);
  const ajv = new Ajv2020({ strict: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(FLEET_SCHEMA_PATH, 'utf8')) as object);
  expect(validate(parseYaml(text))).toBe(true);
});
