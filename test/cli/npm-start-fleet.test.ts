/**
 * `npm start -- --fleet examples/fleet.yaml --keep-running` as the README's Fleets section runs
 * it: the example fleet planned and applied against the embedded emulator without asking; then,
 * from a second shell of the same checkout with no setting of its own, `npm run orchestrator --
 * plan examples/fleet.yaml` finds nothing to change. The emulator holds one configuration per
 * tenant and each onboarding message once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorStateSummary } from '../../src/emulator';
import { loadFleetSpec } from '../../src/lifecycle/fleet';
import type { ApplyResult, FleetSpec } from '../../src/workflows/fleet/definitions';
import {
  cleanEnv,
  lastJsonObject,
  ROOT,
  runCommandLine,
  secondShellBeside,
  stopNpmStart,
  type Run,
} from './processes';

jest.setTimeout(300_000);

const stateDir = mkdtempSync(join(tmpdir(), 'npm-start-fleet-'));
let spec: FleetSpec;
let start: Run;
let emulatorUrl: string;
let secondShell: NodeJS.ProcessEnv;

async function emulatorState(): Promise<EmulatorStateSummary> {
  const response = await fetch(`${emulatorUrl}/__emulator/state`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as EmulatorStateSummary;
}

beforeAll(async () => {
  spec = await loadFleetSpec(join(ROOT, 'examples', 'fleet.yaml'));
  start = runCommandLine(
    'npm start -- --fleet examples/fleet.yaml --keep-running',
    cleanEnv({ ORCHESTRATOR_STATE_DIR: stateDir }),
  );
  await start.stderrContains('Ctrl-C stops it');
  ({ emulatorUrl, env: secondShell } = secondShellBeside(start.stderr(), stateDir));
});

afterAll(() => stopNpmStart(start, stateDir));

test('plans the example fleet, applies it without asking, and shows counts, the result and the run', async () => {
  const stderr = start.stderr();
  const stores = spec.stores.length;
  const tenants = spec.tenants.length;
  expect(tenants).toBe(20);
  expect(stderr).toContain(`\nPlanning fleet ${spec.name} (${tenants} tenants on ${stores} stores)\n`);
  expect(stderr).toContain(`  + store "${spec.stores[0]!.displayName}"\n`);
  expect(stderr).toContain(`\nPlan: ${stores + tenants} to create, 0 to update, 0 to adopt, 0 to delete`);
  expect(stderr).toMatch(/\n {2}\d+ done, 0 failed, \d+ running, \d+ pending\n/);
  expect(stderr).toContain(`\nApplied: ${stores + tenants} done, 0 failed.\n`);
  const link = new RegExp(
    `\\nWeb UI: (http://localhost:\\d+/namespaces/default/workflows/${encodeURIComponent(
      `fleet-apply:${spec.name}:`,
    )}\\d+/[\\w-]+/history)\\n`,
  ).exec(stderr)?.[1];
  expect(link).toBeDefined();
  expect((await fetch(link!, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);

  const result = lastJsonObject(start.stdout()) as ApplyResult;
  expect(result.summary).toEqual({ done: stores + tenants, failed: 0, pending: 0, running: 0 });
  // In the order they ended, each tenant once.
  const byTenant = (ids: string[]) => [...ids].sort();
  expect(byTenant(result.outcomes.map((outcome) => outcome.tenantId))).toEqual(
    byTenant(spec.tenants.map((tenant) => tenant.id)),
  );
  const onboarded = result.outcomes.flatMap((outcome) =>
    'onboarded' in outcome && outcome.onboarded ? [outcome.tenantId] : [],
  );
  expect(byTenant(onboarded)).toEqual(
    byTenant(spec.tenants.filter((tenant) => tenant.onboarding).map((tenant) => tenant.id)),
  );
});

test('a second shell plans the same spec: no changes, exit 0; each configuration and onboarding once', async () => {
  const plan = runCommandLine('npm run orchestrator -- plan examples/fleet.yaml', secondShell);
  const exit = await plan.exited;
  if (exit !== 0) throw new Error(`plan exited ${exit}:\n${plan.stderr()}`);
  expect(plan.stdout()).toContain(`No changes. Fleet ${spec.name} matches its spec`);

  const onboardings = spec.tenants.filter((tenant) => tenant.onboarding).length;
  expect(onboardings).toBeGreaterThan(0);
  expect(await emulatorState()).toMatchObject({
    stores: spec.stores.length,
    configurations: spec.tenants.length,
    conversations: onboardings,
    messagesSent: onboardings,
    throttled: 0,
  });
});
