/**
 * `npm run orchestrator -- plan FILE`: what applying the fleet spec would change, per resource
 * and field, read from the live state through the workers (this needs only Temporal settings).
 */
import { planFleet } from '../../lifecycle/fleet';
import { EXIT } from '../exit-codes';
import { specArgument, writePlanFile } from '../fleet/fleet-args';
import { renderPlan } from '../fleet/plan-view';
import { taskQueueFromEnv } from '../../temporal/connection';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs } from '../usage-error';
import { TASK_QUEUE_HELP, TEMPORAL_SETTINGS_HELP, type Verb } from './verb';

export const plan: Verb = {
  summary: 'show what applying a fleet spec would change, per resource and field',
  usageExitCode: EXIT.failed,
  usage: `Compare a fleet spec with the account's live state: + create, ~ update (field: old → new),
< adopt (exists, made elsewhere), - delete (with --prune, only what this fleet manages).

Usage:
  npm run orchestrator -- plan FILE [--prune] [--json] [--out PLAN]

  FILE               the fleet spec (YAML or JSON; see README, Fleets)
  --prune            also plan deleting what this fleet made or adopted and the spec no longer names
  --json             print the plan as JSON on stdout
  --out PLAN         save the plan; apply --plan PLAN applies exactly it, or refuses if the account moved
  --task-queue NAME  ${TASK_QUEUE_HELP}

${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 no changes, 2 changes, 1 an error (an invalid spec names the file, path and rule).`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      prune: { type: 'boolean' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'task-queue': { type: 'string' },
    });
    const spec = await specArgument('plan', positionals);
    const fleetPlan = await withTemporal(({ client }) =>
      planFleet(client, spec, { prune: values.prune, taskQueue: values['task-queue'] ?? taskQueueFromEnv() }),
    );
    console.log(values.json ? JSON.stringify(fleetPlan, null, 2) : renderPlan(fleetPlan));
    if (values.out !== undefined) {
      await writePlanFile(values.out, fleetPlan);
      console.error(
        `Plan saved to ${values.out}: apply it with apply ${positionals[0]} --plan ${values.out}`,
      );
    }
    return fleetPlan.items.length === 0 ? EXIT.ok : EXIT.changes;
  },
};
