/**
 * The README's Lifecycle walk, as a newcomer runs it: `npm start -- --keep-running` in one shell;
 * in a second, with no setting of its own, the section's commands as written (through npm and
 * sh), each exiting 0, reading and writing the runs `npm start` encrypts with the key file in its
 * state folder. Then the demo run's `status` and `teardown` from that second shell, leaving the
 * emulator empty; and a shell without the key gets one line naming it, exit 1.
 *
 * Both shells get the test's own state folder (ORCHESTRATOR_STATE_DIR): the same folder, as two
 * shells in one checkout share `.local/`, without touching this checkout's.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_KEY_FILE } from '../../src/codec/configured-keys';
import type { ProvisionResult } from '../../src/workflows/definitions';
import {
  cleanEnv,
  lastJsonObject,
  ROOT,
  runCommandLine,
  secondShellBeside,
  stopNpmStart,
  type Run,
} from './processes';

jest.setTimeout(180_000);

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/**
 * The command lines of the first `sh` block under `heading`: continuation lines joined, comment
 * lines dropped (a trailing `# ...` stays: sh reads it as a comment, as a person's shell does).
 */
function shellBlock(heading: string): string[] {
  const section = README.slice(README.indexOf(`\n${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`README: no sh block under "${heading}"`);
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

const stateDir = mkdtempSync(join(tmpdir(), 'readme-lifecycle-'));
let start: Run;
/** The second shell's environment: nothing but the shared state folder (and the port, see below). */
let secondShell: NodeJS.ProcessEnv;
let emulatorUrl: string;
let demoWorkflowId: string;

/** Runs a command line in the second shell; fails with its stderr unless it exits 0. */
async function succeeds(commandLine: string): Promise<Run> {
  const run = runCommandLine(commandLine, secondShell);
  const exit = await run.exited;
  if (exit !== 0) throw new Error(`\`${commandLine}\` exited ${exit}:\n${run.stderr()}`);
  return run;
}

async function emulatorState(): Promise<Record<string, number>> {
  const response = await fetch(`${emulatorUrl}/__emulator/state`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as Record<string, number>;
}

beforeAll(async () => {
  start = runCommandLine('npm start -- --keep-running', cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir }));
  await start.stderrContains('Ctrl-C stops it');
  const stderr = start.stderr();
  demoWorkflowId = /\nProvisioning (provision-demo-\S+)/.exec(stderr)![1]!;
  ({ emulatorUrl, env: secondShell } = secondShellBeside(stderr, stateDir));
});

afterAll(() => stopNpmStart(start, stateDir));

test("the README's Lifecycle commands, as written, each exit 0 with no setting of their own", async () => {
  const [provision, update, status, teardown, ...rest] = shellBlock('## Lifecycle');
  expect(rest).toEqual([]);
  expect(provision).toMatch(/^npm run provision -- --provisioning-id acme /);
  const before = await emulatorState();

  const provisioned = await succeeds(provision!);
  const result = lastJsonObject(provisioned.stdout()) as ProvisionResult;
  expect(result.ids.communicationId).toMatch(/^conv_communication_/);

  // "its ids.configurationId names the configuration"
  expect(update).toContain('conv_configuration_…');
  const updated = await succeeds(update!.replace('conv_configuration_…', result.ids.configurationId));
  expect(lastJsonObject(updated.stdout())).toMatchObject({
    configurationId: result.ids.configurationId,
    applied: true,
    changes: [{ field: 'description', after: 'Acme support, nights' }],
  });

  const shown = await succeeds(status!);
  expect(shown.stdout()).toContain('provision-acme (run ');
  expect(shown.stdout()).toContain(': COMPLETED');
  expect(shown.stdout()).toContain(result.ids.configurationId);

  await succeeds(teardown!);
  // What the walk made is gone; the demo's own run is left as it was.
  const after = await emulatorState();
  for (const kind of ['stores', 'configurations', 'conversations']) expect(after[kind]).toBe(before[kind]);
});

test("the demo run's status and teardown from a second shell, leaving the emulator empty", async () => {
  const shown = await succeeds(`npm run provision -- status ${demoWorkflowId}`);
  expect(shown.stdout()).toContain(`${demoWorkflowId} (run `);
  expect(shown.stdout()).toContain('step: completed');

  await succeeds(`npm run provision -- teardown ${demoWorkflowId}`);
  expect(await emulatorState()).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
});

test('a shell without the key, or with another ring, gets one line naming the key: exit 1', async () => {
  const { currentKeyId } = JSON.parse(readFileSync(join(stateDir, LOCAL_KEY_FILE), 'utf8')) as {
    currentKeyId: string;
  };
  const status = `npm run provision -- status ${demoWorkflowId}`;
  const otherFolder = { ...secondShell, ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'no-key-')) };
  const otherRing = {
    ...secondShell,
    ORCHESTRATOR_ENCRYPTION_KEYS: `ops-1:${Buffer.alloc(32, 7).toString('base64')}`,
  };
  for (const [env, held] of [
    [otherFolder, 'and no encryption key is configured'],
    [otherRing, 'which is not in the key ring (it holds ops-1)'],
  ] as const) {
    const run = runCommandLine(status, env);
    expect(await run.exited).toBe(1);
    const errorLines = run
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('error: '));
    expect(errorLines).toEqual([
      `error: cannot read the run's data: a payload is encrypted with key "${currentKeyId}", ${held}: ` +
        'give this process that key in ORCHESTRATOR_ENCRYPTION_KEYS or ORCHESTRATOR_ENCRYPTION_KEY_FILE, ' +
        `or, with neither set, in the state folder's ${LOCAL_KEY_FILE} (.local/ or ORCHESTRATOR_STATE_DIR; ` +
        'npm start writes it there)',
    ]);
    expect(run.stderr()).not.toContain('Unknown encoding');
  }
});
