import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { FLEET_SCHEMA_PATH, fleetSchemaText } from '../../scripts/fleet-schema';
import { InvalidInputError } from '../../src/workflows/input-schema';
import { InvalidFleetSpecError, parseFleetSpec } from '../../src/workflows/fleet/spec-input';
import type { FleetSpec } from '../../src/workflows/fleet/definitions';
import type { Onboarding } from '../../src/workflows/provision-input';
import { fleetSpec, tenant } from './spec-fixtures';

const onboarding: Onboarding = {
  conversation: {
    name: 'Welcome',
    participants: [
      { name: 'Ada', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] },
    ],
  },
  message: {
    from: { address: '+15559870001', channel: 'SMS' },
    to: [{ address: '+15551230001', channel: 'SMS' }],
    text: 'Welcome aboard',
  },
};

function issuesOf(raw: unknown, defaultName?: string): string[] {
  try {
    parseFleetSpec(raw, defaultName);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFleetSpecError);
    expect(error).toBeInstanceOf(InvalidInputError);
    const { issues, message } = error as InvalidFleetSpecError;
    expect(message).toBe(`Invalid fleet spec: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    return issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the spec to be refused');
}

test('a valid spec is accepted as written: onboarding, every configuration field, drift policies', () => {
  const spec = fleetSpec({
    tenants: [
      tenant('acme', 'eu', {
        configuration: {
          displayName: 'acme support',
          description: 'Support line of acme',
          conversationGroupingType: 'GROUP_BY_PROFILE',
          channelSettings: { SMS: { statusTimeouts: { inactive: 30, closed: 60 } } },
          statusCallbacks: [{ url: 'https://example.com/status', method: 'POST' }],
          intelligenceConfigurationIds: ['intelligence-1'],
          memoryExtractionEnabled: true,
        },
        onboarding,
      }),
      // The same configuration name on another store is another configuration.
      tenant('acme-us', 'us', { configuration: { displayName: 'acme support', description: 'US line' } }),
    ],
    drift: { description: 'ignore', channelSettings: 'reconcile', memoryExtractionEnabled: 'alert' },
  });
  expect(parseFleetSpec(spec)).toEqual(spec);
});

test('the name defaults to the one given (the file name); a spec that names itself wins', () => {
  const unnamed: Partial<FleetSpec> = fleetSpec();
  delete unnamed.name;
  expect(parseFleetSpec(unnamed, 'prod-eu').name).toBe('prod-eu');
  expect(parseFleetSpec(fleetSpec({ name: 'shop' }), 'prod-eu').name).toBe('shop');
  expect(issuesOf(unnamed)).toEqual(['name: is required (no file names the fleet)']);
  expect(issuesOf(unnamed, 'fleet.v2')).toEqual([
    'name: is not given, and the file\'s name "fleet.v2" cannot name the fleet: it must match ' +
      '^[a-zA-Z0-9-]+$ (letters, digits, dashes); give name: in the spec',
  ]);
});

test('every rule is reported at its path, array indices in brackets', () => {
  const valid = fleetSpec();
  expect(
    issuesOf({
      ...valid,
      name: 'shop_1',
      color: 'blue',
      stores: [...valid.stores, { displayName: 'eu', description: ' ' }, { displayName: 'no spaces' }],
      tenants: [
        tenant('acme'),
        { ...tenant('acme'), configuration: { displayName: 'other', description: 'x' } },
        tenant('globex', 'asia'),
        tenant('x'.repeat(65), 'us', { configuration: { displayName: 'long id', description: 'x' } }),
        { ...tenant('initech', 'us'), plan: 'gold' },
        tenant('hooli', 'eu', {
          configuration: {
            displayName: 'acme support',
            description: 'x',
            memoryExtractionEnabled: 'yes' as never,
          },
        }),
        tenant('umbrella', 'us', {
          configuration: {
            displayName: 'u'.repeat(33),
            description: 'x',
            conversationGroupingType: 'NONE' as never,
          },
          onboarding: { conversation: onboarding.conversation } as never,
        }),
        tenant('wonka', 'us', { onboarding: { ...onboarding, message: { ...onboarding.message, to: [] } } }),
      ],
      drift: { description: 'sometimes', colour: 'ignore' },
    }),
  ).toEqual([
    'name: must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)',
    'stores[2].description: must not be empty or only whitespace or invisible characters',
    'stores[3].displayName: must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)',
    'tenants[3].id: must be at most 64 characters (a fairness key holds at most 64 bytes)',
    'tenants[4]: Unrecognized key: "plan"',
    'tenants[5].configuration.memoryExtractionEnabled: Invalid input: expected boolean, received string',
    'tenants[6].configuration.displayName: must be at most 32 characters',
    'tenants[6].configuration.conversationGroupingType: must be one of GROUP_BY_PROFILE, ' +
      'GROUP_BY_PARTICIPANT_ADDRESSES, GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
    'tenants[6].onboarding.message: is required',
    'tenants[7].onboarding.message.to: needs at least one recipient',
    'drift.description: must be one of ignore, alert, reconcile',
    'drift: names no configuration field (fields: displayName, description, conversationGroupingType, ' +
      'channelSettings, statusCallbacks, intelligenceConfigurationIds, memoryExtractionEnabled, conversationsV1Bridge)',
    '(input): Unrecognized key: "color"',
    // The rules between entries, reported with the others.
    'stores[2].displayName: duplicates stores[0] (store names are unique per account)',
    'tenants[1].id: duplicates tenants[0] (tenant IDs are unique)',
    'tenants[2].store: names no store of the spec (stores: eu, us, no spaces)',
    "tenants[5].configuration.displayName: duplicates tenants[0] on store eu (a tenant's configuration " +
      'is found by its name on its store)',
  ]);
});

test('more stores than an account holds are refused, and a tenant of a spec without stores names none', () => {
  const stores = Array.from({ length: 16 }, (_, n) => ({ displayName: `store-${n}` }));
  expect(issuesOf(fleetSpec({ stores, tenants: [] }))).toEqual([
    'stores: at most 15 stores: an account holds at most 15 memory stores',
  ]);
  expect(parseFleetSpec(fleetSpec({ stores: stores.slice(0, 15), tenants: [] })).stores).toHaveLength(15);
  expect(issuesOf(fleetSpec({ stores: [], tenants: [tenant('acme')] }))).toEqual([
    'tenants[0].store: names no store of the spec (stores: none)',
  ]);
});

test('a spec that is no object, or misses its lists, is refused saying so', () => {
  expect(issuesOf('stores')).toEqual(['(input): Invalid input: expected object, received string']);
  expect(issuesOf({ name: 'shop' })).toEqual(['stores: is required', 'tenants: is required']);
  expect(issuesOf({ name: 'shop', stores: {}, tenants: [7] })).toEqual([
    'stores: Invalid input: expected array, received object',
    'tenants[0]: Invalid input: expected object, received number',
  ]);
});

describe('the JSON Schema for editors (schemas/fleet.schema.json)', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);

  test('is what `npm run fleet:schema` generates from the spec schema now', () => {
    // Stale when this fails: run `npm run fleet:schema` and commit the file.
    expect(readFileSync(FLEET_SCHEMA_PATH, 'utf8')).toBe(fleetSchemaText());
  });

  test("accepts a valid spec and refuses the shape's errors, as the zod schema does", () => {
    const validate = ajv.compile(JSON.parse(fleetSchemaText()) as object);
    expect(validate(fleetSpec({ tenants: [tenant('acme', 'eu', { onboarding })] }))).toBe(true);
    const refused = (spec: unknown) => {
      expect(validate(spec)).toBe(false);
      return validate.errors?.map((error) => `${error.instancePath} ${error.message}`);
    };
    expect(refused({ ...fleetSpec(), color: 'blue' })).toEqual([' must NOT have additional properties']);
    expect(refused(fleetSpec({ tenants: [tenant('has space')] }))).toEqual([
      '/tenants/0/id must match pattern "^[a-zA-Z0-9-]+$"',
    ]);
    expect(
      refused(fleetSpec({ stores: Array.from({ length: 16 }, (_, n) => ({ displayName: `s${n}` })) })),
    ).toEqual(['/stores must NOT have more than 15 items']);
  });
});
