/**
 * `npm run provision` encrypts with the ring in ORCHESTRATOR_ENCRYPTION_KEYS: the worker (same
 * ring) runs what it started, the CLI prints the decoded result, the server holds no plaintext.
 */
import type { ProvisionResult } from '../../src/workflows/definitions';
import { cleanEnv, lastJsonObject, runScript, stopRunningScripts } from '../cli/processes';
import { readableHistory } from '../workflows/support';
import { useDevStack } from '../support/dev-stack';
import { encryptedStackOptions, randomRing, rawClientOf } from './support';

jest.setTimeout(90_000);

const ring = randomRing('cli-key');
const stack = useDevStack((resources) => encryptedStackOptions(ring, resources));
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  env = cleanEnv({
    TEMPORAL_ADDRESS: stack.testEnv.address,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    ORCHESTRATOR_ENCRYPTION_KEYS: `cli-key:${ring.keys.get('cli-key')!.toString('base64')}`,
  });
});
afterEach(stopRunningScripts);

test('a provisioning started by the CLI is encrypted end to end and printed decoded', async () => {
  const tag = `${Date.now()}`;
  const text = `Hello from the encrypted command line ${tag}`;
  const started = runScript(
    'src/cli/provision.ts',
    [
      ...['--provisioning-id', `cli-enc-${tag}`, '--store-name', `cli-enc-store-${tag}`],
      ...['--config-name', `cli enc ${tag}`, '--conversation-name', `cli-enc-conversation-${tag}`],
      ...['--from', '+15550100', '--to', '+15550101', '--text', text],
    ],
    env,
  );
  expect(await started.exited).toBe(0);
  const result = lastJsonObject(started.stdout()) as ProvisionResult;
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);

  const history = readableHistory(
    await rawClientOf(stack).workflow.getHandle(`provision-cli-enc-${tag}`).fetchHistory(),
  );
  expect(history).toContain(`provision-cli-enc-${tag}`);
  for (const value of ['+15550100', '+15550101', text]) expect(history).not.toContain(value);
});

test('a bad key setting: exit 2 naming the variable, nothing started', async () => {
  const run = runScript('src/cli/provision.ts', ['status', 'provision-anything'], {
    ...env,
    ORCHESTRATOR_ENCRYPTION_KEY_ID: 'not-in-the-ring',
  });
  expect(await run.exited).toBe(2);
  expect(run.stderr()).toMatch(
    /ORCHESTRATOR_ENCRYPTION_KEY_ID: the current key ID "not-in-the-ring" is not among the keys \(cli-key\)/,
  );
});
