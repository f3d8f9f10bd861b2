/**
 * `npm run orchestrator -- plan | apply | drift` in child processes against a real dev server,
 * worker and emulator: the plan of an empty account, apply (refused without a terminal, then
 * with --yes), nothing to change the second time, an out-of-band edit named field by field by
 * plan and drift, a stale saved plan refused, and an invalid spec named by file, path and rule.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configurationFields } from '../../src/activities/configuration';
import { FleetDrift } from '../../src/workflows/definitions';
import {
  fleetDriftScheduleId,
  fleetStateQuery,
  fleetWorkflowId,
} from '../../src/workflows/fleet/definitions';
import { OrchestratorClient } from '../../src/api';
import { cleanEnv, runScript, stopRunningScripts } from '../cli/processes';
import { startDevStack, STACK_CREDENTIALS, type DevStack } from '../support/dev-stack';

jest.setTimeout(180_000);

let stack: DevStack;
let env: NodeJS.ProcessEnv;
let dir: string;
let api: OrchestratorClient;

const SPEC = `
name: cli-fleet
stores:
  - displayName: cli-eu
    description: Europe
  - displayName: cli-us
    description: Americas
tenants:
  - id: alpha
    store: cli-eu
    configuration:
      displayName: alpha support
      description: Alpha's line
    onboarding:
      conversation:
        name: alpha-welcome
        participants:
          - type: CUSTOMER
            addresses: [{ channel: SMS, address: "+15550111" }]
      message:
        from: { channel: SMS, address: "+15550100" }
        to: [{ channel: SMS, address: "+15550111" }]
        text: Welcome aboard
  - id: beta
    store: cli-eu
    configuration:
      displayName: beta support
      description: Beta's line
  - id: gamma
    store: cli-us
    configuration:
      displayName: gamma support
      description: Gamma's line
`;

beforeAll(async () => {
  stack = await startDevStack();
  env = cleanEnv({ TEMPORAL_ADDRESS: stack.testEnv.address, TEMPORAL_TASK_QUEUE: stack.taskQueue });
  dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
  writeFileSync(join(dir, 'fleet.yaml'), SPEC);
  api = new OrchestratorClient({
    credentials: STACK_CREDENTIALS,
    conversationsBaseUrl: stack.emulator.url,
    memoryBaseUrl: stack.emulator.url,
  });
});
afterEach(stopRunningScripts);
afterAll(async () => {
  await api?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function orchestrator(
  ...args: string[]
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = runScript('src/cli/orchestrator.ts', args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function configurationNamed(displayName: string) {
  for await (const configuration of api.configurations.list()) {
    if (configuration.displayName === displayName) return configuration;
  }
  throw new Error(`no configuration ${displayName}`);
}

test('plan, apply, plan again: creates once, then nothing to change', async () => {
  const spec = join(dir, 'fleet.yaml');
  const first = await orchestrator('plan', spec);
  expect(first.stderr).not.toMatch(/error/);
  expect(first.code).toBe(2);
  expect(first.stdout).toContain('+ store "cli-eu"');
  expect(first.stdout).toContain(
    '+ tenant alpha: configuration "alpha support" on store "cli-eu", with its onboarding message',
  );
  expect(first.stdout).toContain('Plan: 5 to create, 0 to update, 0 to adopt, 0 to delete, 0 unchanged.');

  const refused = await orchestrator('apply', spec);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('no terminal to confirm on: give --yes');
  expect(stack.emulator.summary().configurations).toBe(0);

  const applied = await orchestrator('apply', spec, '--yes');
  expect(applied.stderr).toContain('Applied: 5 done, 0 failed.');
  expect(applied.code).toBe(0);
  const state = stack.emulator.summary();
  expect(state).toMatchObject({ stores: 2, configurations: 3, conversations: 1, messagesSent: 1 });

  const again = await orchestrator('plan', spec, '--json');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ fleet: 'cli-fleet', items: [] });
  const reapplied = await orchestrator('apply', spec, '--yes');
  expect(reapplied.code).toBe(0);
  expect(reapplied.stderr).toContain(
    'No changes. Fleet cli-fleet matches its spec (5 store(s) and tenant(s) unchanged).',
  );
  expect(stack.emulator.summary()).toMatchObject({ stores: 2, configurations: 3, messagesSent: 1 });
});

test('an edit made elsewhere: plan and drift name the tenant and field; a saved plan goes stale', async () => {
  const spec = join(dir, 'fleet.yaml');
  const beta = await configurationNamed('beta support');
  await api.configurations.update(
    beta.id,
    { ...configurationFields(beta), description: 'Edited by hand' },
    { idempotencyKey: randomUUID() },
  );
  await waitForVersionAbove(beta.id, beta.version ?? 0);

  const drift = await orchestrator('drift', spec);
  expect(drift.code).toBe(2);
  expect(drift.stdout).toContain('~ tenant beta');
  expect(drift.stdout).toContain(`description: "Beta's line" → "Edited by hand" (alert)`);

  const planFile = join(dir, 'plan.json');
  const plan = await orchestrator('plan', spec, '--out', planFile);
  expect(plan.code).toBe(2);
  expect(plan.stdout).toContain(`description: "Edited by hand" → "Beta's line"`);
  expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to adopt, 0 to delete, 4 unchanged.');

  const moved = await configurationNamed('beta support');
  await api.configurations.update(
    moved.id,
    { ...configurationFields(moved), description: 'Edited again' },
    { idempotencyKey: randomUUID() },
  );
  await waitForVersionAbove(moved.id, moved.version ?? 0);
  const stale = await orchestrator('apply', spec, '--plan', planFile, '--yes');
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/saved plan of fleet cli-fleet no longer holds.*tenant beta/);
  expect((await configurationNamed('beta support')).description).toBe('Edited again');
});

test('drift --every installs a Schedule whose check marks the drifted fleet FleetDrift=drifted', async () => {
  // The previous test left tenant beta edited by hand: a check finds it drifted.
  const installed = await orchestrator('drift', join(dir, 'fleet.yaml'), '--every', '1h');
  expect(installed.code).toBe(0);
  expect(installed.stderr).toContain(
    'Schedule fleet-drift:cli-fleet checks fleet cli-fleet for drift every 1h.',
  );
  const schedule = stack.client.schedule.getHandle(fleetDriftScheduleId('cli-fleet'));
  const description = await schedule.describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'fleetDriftCheck' });
  expect(description.spec.intervals).toMatchObject([{ every: 3_600_000 }]);

  await schedule.trigger();
  const fleetHandle = stack.client.workflow.getHandle(fleetWorkflowId('cli-fleet'));
  let drifted: unknown;
  for (let attempt = 0; attempt < 100 && drifted === undefined; attempt += 1) {
    drifted = (await fleetHandle.describe()).typedSearchAttributes.get(FleetDrift);
    if (drifted === undefined) await new Promise((resolve) => setTimeout(resolve, 300));
  }
  expect(drifted).toBe('drifted');
  expect((await fleetHandle.query(fleetStateQuery)).lastDrift?.tenants).toHaveProperty('beta');
  await schedule.delete();
});

test('an invalid spec names the file, the path and the rule; exit 1, nothing started', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, SPEC.replace('store: cli-us', 'store: nowhere'));
  const result = await orchestrator('plan', bad);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /bad\.yaml: tenants\[2\]\.store: names no store of the spec \(stores: cli-eu, cli-us\)/,
  );
});

/** A PUT answers 202: the new version shows once its operation settled. */
async function waitForVersionAbove(id: string, version: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (((await api.configurations.get(id)).version ?? 0) > version) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`configuration ${id} stayed at version ${version}`);
}
