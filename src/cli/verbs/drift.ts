/**
 * `npm run orchestrator -- drift FILE`: where the live configurations differ from what the fleet
 * last applied (edited elsewhere, or gone); `--every 15m` installs a Schedule that checks it.
 */
import { fleetDrift, scheduleDriftChecks } from '../../lifecycle/fleet';
import { EXIT } from '../exit-codes';
import { specArgument } from '../fleet/fleet-args';
import { renderDrift } from '../fleet/plan-view';
import { taskQueueFromEnv } from '../../temporal/connection';
import { withTemporal } from '../temporal-session';
import { parseCommandArgs, UsageError } from '../usage-error';
import { TASK_QUEUE_HELP, TEMPORAL_SETTINGS_HELP, type Verb } from './verb';

const INTERVAL = /^[1-9]\d*(s|m|h|d)$/;

export const drift: Verb = {
  summary: "report where a fleet's live state differs from what was last applied",
  usageExitCode: EXIT.failed,
  usage: `Report, by tenant and field, where the live configurations differ from what the fleet last
applied. Each field follows the spec's drift policy: ignore, alert (the default) or reconcile.

Usage:
  npm run orchestrator -- drift FILE [--json]
  npm run orchestrator -- drift FILE --every 15m

  --json             print the report as JSON on stdout
  --every INTERVAL   install (or replace) a Temporal Schedule checking every INTERVAL (30s, 15m, 1h, 1d):
                     each check marks the fleet's workflow (search attribute FleetDrift = drifted |
                     in-sync, and its details) and sets reconcile fields back
  --task-queue NAME  ${TASK_QUEUE_HELP}

${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 no drift (or the schedule installed), 2 drift, 1 an error.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      every: { type: 'string' },
      'task-queue': { type: 'string' },
    });
    const spec = await specArgument('drift', positionals);
    const taskQueue = values['task-queue'] ?? taskQueueFromEnv();
    if (values.every !== undefined) {
      if (!INTERVAL.test(values.every)) {
        throw new UsageError(
          `--every ${values.every}: must be a whole number and a unit, e.g. 30s, 15m, 1h, 1d`,
        );
      }
      const every = values.every;
      const scheduleId = await withTemporal(({ client }) =>
        scheduleDriftChecks(client, spec, every, { taskQueue }),
      );
      console.error(`Schedule ${scheduleId} checks fleet ${spec.name} for drift every ${every}.`);
      return EXIT.ok;
    }
    const report = await withTemporal(({ client }) => fleetDrift(client, spec, { taskQueue }));
    console.log(values.json ? JSON.stringify(report, null, 2) : renderDrift(spec.name, report));
    return Object.keys(report.tenants).length === 0 ? EXIT.ok : EXIT.changes;
  },
};
