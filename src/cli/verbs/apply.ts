/**
 * `npm run orchestrator -- apply FILE`: shows the plan, asks on a terminal, then applies it as one
 * durable fleet run (each tenant's change through its own provisioning, update or teardown
 * workflow) and follows it: counts by state, then the result per tenant as JSON on stdout.
 */
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { applyFleet, planFleet, StalePlanError, type FleetApplyHandle } from '../../lifecycle/fleet';
import type { ApplyResult } from '../../workflows/fleet/definitions';
import { EXIT } from '../exit-codes';
import { readPlanFile, specArgument } from '../fleet/fleet-args';
import { renderPlan } from '../fleet/plan-view';
import { taskQueueFromEnv } from '../../temporal/connection';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs, UsageError } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import { TASK_QUEUE_HELP, TEMPORAL_SETTINGS_HELP, type Verb } from './verb';

const PROGRESS_EVERY_MS = 2_000;

export const apply: Verb = {
  summary: 'apply a fleet spec: its plan, as one durable run, after a confirmation',
  usageExitCode: EXIT.failed,
  usage: `Apply a fleet spec: print its plan, ask (on a terminal), then apply it as one durable run
that survives worker and server restarts. Applies of one fleet run one at a time.

Usage:
  npm run orchestrator -- apply FILE [--yes] [--prune] [--plan PLAN] [--window N]

  --yes              apply without asking (required without a terminal)
  --prune            also delete what this fleet made or adopted and the spec no longer names
  --plan PLAN        apply exactly this saved plan (plan --out), refused if the account moved since
  --window N         tenants in flight at once, at most 100 (default: twice the API budget's
                     requests per second, from 20 to 100; 20 without a budget)
  --no-wait          print the apply's workflow ID once started, do not follow it
  --task-queue NAME  ${TASK_QUEUE_HELP}

${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 applied (or nothing to change), 1 an error, a refusal or a tenant that failed (the
result on stdout lists each, with why).`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      yes: { type: 'boolean' },
      prune: { type: 'boolean' },
      plan: { type: 'string' },
      window: { type: 'string' },
      'no-wait': { type: 'boolean' },
      'task-queue': { type: 'string' },
    });
    const spec = await specArgument('apply', positionals);
    const window = values.window === undefined ? undefined : Number(values.window);
    if (window !== undefined && !(Number.isInteger(window) && window >= 1 && window <= 100)) {
      throw new UsageError(`--window ${values.window}: must be a whole number from 1 to 100`);
    }
    if (!values.yes && !process.stdin.isTTY) {
      throw new UsageError('no terminal to confirm on: give --yes to apply without asking');
    }
    const saved = values.plan === undefined ? undefined : await readPlanFile(values.plan);
    const taskQueue = values['task-queue'] ?? taskQueueFromEnv();
    return withTemporal(async ({ client, namespace }) => {
      const plan = saved ?? (await planFleet(client, spec, { prune: values.prune, taskQueue }));
      console.error(renderPlan(plan));
      if (plan.items.length === 0) return EXIT.ok;
      if (!values.yes && !(await confirm(`Apply these changes to fleet ${spec.name}?`))) {
        console.error('Nothing was applied.');
        return EXIT.failed;
      }
      let handle: FleetApplyHandle;
      try {
        handle = await applyFleet(client, spec, plan, { prune: values.prune, window, taskQueue });
      } catch (err) {
        if (err instanceof StalePlanError) throw new UsageError(err.message);
        if (err instanceof WorkflowUpdateFailedError) {
          throw new UsageError(`fleet ${spec.name} refused the apply: ${err.cause?.message ?? err.message}`);
        }
        throw err;
      }
      console.error(`Applying fleet ${spec.name}: ${handle.workflowId}`);
      const { runId } = await client.workflow.getHandle(handle.workflowId).describe();
      const link = webUiLink(namespace, handle.workflowId, runId, webUiBaseUrl());
      if (link) console.error(`Web UI: ${link}`);
      if (values['no-wait']) {
        console.log(JSON.stringify({ workflowId: handle.workflowId }));
        return EXIT.ok;
      }
      const result = await follow(handle);
      console.log(JSON.stringify(result, null, 2));
      const { done, failed } = result.summary;
      console.error(`Applied: ${done} done, ${failed} failed.`);
      return failed === 0 ? EXIT.ok : EXIT.failed;
    });
  },
};

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} Only "yes" applies: `);
    return answer.trim() === 'yes';
  } finally {
    prompt.close();
  }
}

/**
 * Prints the counts by state whenever they change, until the run ends; resolves with its result.
 * `npm start -- --fleet` follows its apply with it too.
 */
export async function follow(handle: FleetApplyHandle): Promise<ApplyResult> {
  let ended = false;
  const result = handle.result().finally(() => {
    ended = true;
  });
  let shown = '';
  while (!ended) {
    const progress = await handle.progress().catch(() => undefined);
    if (progress) {
      const { done, failed, running, pending } = progress.summary;
      const line = `  ${done} done, ${failed} failed, ${running} running, ${pending} pending`;
      if (line !== shown) console.error((shown = line));
    }
    await Promise.race([sleep(PROGRESS_EVERY_MS), result.catch(() => undefined)]);
  }
  return result;
}
