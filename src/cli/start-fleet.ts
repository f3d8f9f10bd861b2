/**
 * `npm start -- --fleet FILE`: instead of the demo provisioning, the fleet spec planned and
 * applied against the Orchestrator npm start talks to, as `npm run orchestrator -- apply FILE
 * --yes` does (passing the flag is the person's yes): the plan, counts by state while the apply
 * runs, the result per store and tenant as JSON on stdout, a summary line and the apply run's
 * Web UI link.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { applyFleet, planFleet } from '../lifecycle/fleet';
import { fleetWorkflowId, type FleetSpec } from '../workflows/fleet/definitions';
import { EXIT } from './exit-codes';
import { renderPlan } from './fleet/plan-view';
import { follow } from './verbs/apply';
import { webUiLink } from './web-ui';

export interface FleetStart {
  client: Client;
  namespace: string;
  taskQueue: string;
  uiBaseUrl?: string;
  /**
   * The Orchestrator is an emulator this process just started, empty: what a fleet's workflow
   * on the dev server remembers from an earlier `npm start` was in that run's emulator.
   */
  freshEmulator: boolean;
  /** Resolves when a signal (Ctrl-C) has stopped the worker. */
  interrupted: Promise<'interrupted'>;
  log: (line: string) => void;
}

/** Plans and applies `spec`; the exit code, or 'interrupted' when Ctrl-C came first. */
export async function applyFleetAtStart(spec: FleetSpec, start: FleetStart): Promise<number | 'interrupted'> {
  const { client, taskQueue, log } = start;
  if (start.freshEmulator) await forgetEarlierEmulator(client, start.namespace, spec.name, log);

  log(`\nPlanning fleet ${spec.name} (${spec.tenants.length} tenants on ${spec.stores.length} stores)`);
  const plan = await planFleet(client, spec, { taskQueue });
  log(renderPlan(plan));
  if (plan.items.length === 0) return EXIT.ok;

  const handle = await applyFleet(client, spec, plan, { taskQueue });
  const { runId } = await client.workflow.getHandle(handle.workflowId).describe();
  const link = webUiLink(start.namespace, handle.workflowId, runId, start.uiBaseUrl);
  log(`\nApplying fleet ${spec.name}: ${handle.workflowId}${link ? `\n  ${link}` : ''}`);

  const outcome = await Promise.race([follow(handle), start.interrupted]);
  if (outcome === 'interrupted') {
    log(
      `Interrupted. The apply stays open in Temporal; a worker on task queue ${taskQueue} would resume it.`,
    );
    return 'interrupted';
  }
  console.log(JSON.stringify(outcome, null, 2));
  const { done, failed } = outcome.summary;
  log(`Applied: ${done} done, ${failed} failed.`);
  if (link) log(`Web UI: ${link}`);
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

/** How long the dev server may take to forget a deleted run. */
const DELETION_WAIT_MS = 30_000;

/**
 * Deletes the fleet's workflow an earlier `npm start` left on the dev server: the stores and
 * configurations it remembers were in that run's emulator, gone with it, and a tenant it counts as
 * onboarded would never be onboarded in this one. Deleted, not terminated: a closed run still
 * answers the state query that plans read.
 */
async function forgetEarlierEmulator(
  client: Client,
  namespace: string,
  fleet: string,
  log: (line: string) => void,
) {
  const workflowId = fleetWorkflowId(fleet);
  const exists = async () => {
    try {
      await client.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  if (!(await exists())) return;
  await client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId } });
  for (const deadline = Date.now() + DELETION_WAIT_MS; await exists();) {
    if (Date.now() > deadline)
      throw new Error(`${workflowId} was not deleted within ${DELETION_WAIT_MS / 1000} s`);
    await sleep(200);
  }
  log(
    `Fleet ${fleet}: deleted ${workflowId}, left by an earlier npm start (what it managed was in that run's emulator)`,
  );
}
