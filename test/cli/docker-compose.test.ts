/**
 * docker-compose.yml names things defined in code: the search attributes, the emulator's
 * default credentials, the task queue, the compiled entry points. These checks fail when one
 * side changes without the other. (The file's syntax is checked by `docker-compose config -q`,
 * which needs the docker-compose package: a CI step, see README.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';
import { DEFAULT_TASK_QUEUE, SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';

const ROOT = join(__dirname, '..', '..');
const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

test('the setup one-shot registers exactly the workflow search attributes', () => {
  expect(compose).toContain('./docker/setup-namespace.sh:/setup/setup-namespace.sh:ro');
  const setup = readFileSync(join(ROOT, 'docker', 'setup-namespace.sh'), 'utf8');
  const loop = /for name in ([^;]+); do/.exec(setup);
  expect(loop?.[1]?.trim().split(/\s+/).sort()).toEqual(SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).sort());
});

test("the worker's defaults are the emulator's credentials and the default task queue", () => {
  const { accountSid, authToken } = DEFAULT_EMULATOR_CREDENTIALS;
  expect(compose).toContain(`TWILIO_ACCOUNT_SID: \${TWILIO_ACCOUNT_SID:-${accountSid}}`);
  expect(compose).toContain(`TWILIO_AUTH_TOKEN: \${TWILIO_AUTH_TOKEN:-${authToken}}`);
  expect(compose).toContain(`TWILIO_ACCOUNT_SID: \${EMULATOR_ACCOUNT_SID:-${accountSid}}`);
  expect(compose).toContain(`TEMPORAL_TASK_QUEUE: \${TEMPORAL_TASK_QUEUE:-${DEFAULT_TASK_QUEUE}}`);
});

test('each compiled entry point the services run has its source (tsconfig.build.json: src -> dist)', () => {
  // The worker service runs the production launcher, which starts the compiled worker.
  expect(compose).toContain("command: ['bin/orchestrator-worker']");
  const launcher = readFileSync(join(ROOT, 'bin', 'orchestrator-worker'), 'utf8');
  const named = [...`${compose}\n${launcher}`.matchAll(/(dist\/[\w/-]+)\.js/g)].map((match) => match[1]);
  const entryPoints = [...new Set(named)];
  expect(entryPoints.sort()).toEqual(['dist/emulator/main', 'dist/worker']);
  for (const entry of entryPoints) {
    expect(existsSync(join(ROOT, `${entry?.replace(/^dist\//, 'src/')}.ts`))).toBe(true);
  }
});
