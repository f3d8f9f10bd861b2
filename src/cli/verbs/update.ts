/**
 * `npm run orchestrator -- update CONFIGURATION_ID --set field=value ... [--file patch.json]`:
 * sends a patch to the configuration's updates workflow (starting it if none runs) and follows
 * the update to its end: queued behind others of the same configuration, then its steps.
 */
import type { Client } from '@temporalio/client';
import { updateConfiguration, type ConfigurationUpdateHandle } from '../../lifecycle/update';
import { taskQueueFromEnv, type TemporalConnection } from '../../temporal/connection';
import {
  InvalidUpdateRequestError,
  parseUpdateRequest,
  type ParsedUpdateRequest,
} from '../../workflows/update-input';
import { EXIT } from '../exit-codes';
import { follow, tryQuery } from '../follow';
import { progressViewFor, type ProgressView } from '../progress-view';
import { withTemporal } from '../temporal-session';
import { invalidInput, parseCommandArgs, readJsonFile, UsageError } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import { TASK_QUEUE_HELP, type Verb } from './verb';

const UPDATE_USAGE = `Change fields of an existing configuration.

Usage:
  npm run orchestrator -- update CONFIGURATION_ID --set FIELD=VALUE [--set FIELD=VALUE ...] [options]
  npm run orchestrator -- update CONFIGURATION_ID --file patch.json [options]

  --set FIELD=VALUE   a field and its new value; VALUE is read as JSON when it is JSON
                      (true, 30, ["a"], {"SMS":{}}), else as text: --set description=Night line.
                      Text that reads as JSON is quoted: --set 'description="true"'
  --file PATH         a JSON object of fields and values (--set may add other fields)
  --request-id ID     names the request: sent again, it is the same update, applied once
                      (default: the configuration ID and the patch name it)
  --max-tries N       reads and PUTs while others change the configuration (default 3, at most 10)
  --no-wait           print the workflow and update IDs once accepted, do not follow
  --task-queue NAME   ${TASK_QUEUE_HELP}

Fields: displayName, description, conversationGroupingType, channelSettings, statusCallbacks,
intelligenceConfigurationIds, memoryExtractionEnabled, conversationsV1Bridge.
Exit codes: 0 applied (or nothing to change), 1 the update failed, 2 bad input or usage.`;

const OPTIONS = {
  set: { type: 'string', multiple: true },
  file: { type: 'string' },
  'request-id': { type: 'string' },
  'max-tries': { type: 'string' },
  'no-wait': { type: 'boolean' },
  'task-queue': { type: 'string' },
} as const;

interface UpdateCommand {
  request: ParsedUpdateRequest;
  wait: boolean;
  taskQueue?: string;
}

export const update: Verb = {
  summary: 'change fields of an existing configuration, queued behind its other updates',
  usage: UPDATE_USAGE,
  async run(args) {
    // Bad input is refused before connecting.
    const { request, wait, taskQueue } = parseUpdateArgs(args);
    return withTemporal(async (temporal) => {
      const handle = await updateConfiguration(temporal.client, request, {
        taskQueue: taskQueue ?? taskQueueFromEnv(),
      });
      announce(temporal, handle);
      if (!wait) {
        const { workflowId, updateId, runId } = handle;
        console.log(JSON.stringify({ workflowId, updateId, runId }));
        return EXIT.ok;
      }
      // A failed update rejects: the entry prints its one line and exits 1.
      const result = await followUpdate(temporal.client, handle, progressViewFor(process.stderr));
      console.log(JSON.stringify(result, null, 2));
      return EXIT.ok;
    });
  },
};

function parseUpdateArgs(args: string[]): UpdateCommand {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (positionals.length !== 1) throw new UsageError('update takes exactly one configuration ID');
  if (values.set === undefined && values.file === undefined) {
    throw new UsageError('nothing to change: give --set FIELD=VALUE or --file PATH');
  }
  const fields = Object.entries(values.file === undefined ? {} : readPatchFile(values.file));
  for (const assignment of values.set ?? []) {
    const [field, value] = splitAssignment(assignment);
    if (fields.some(([name]) => name === field)) {
      throw new UsageError(`${field} is set twice (by --file or another --set)`);
    }
    fields.push([field, value]);
  }
  // Own properties only, whatever the names (a `__proto__` field is refused by name, never assigned).
  const patch = Object.fromEntries(fields);
  const maxTries = values['max-tries'];
  let request: ParsedUpdateRequest;
  try {
    request = parseUpdateRequest({
      configurationId: positionals[0],
      patch,
      ...(values['request-id'] === undefined ? {} : { requestId: values['request-id'] }),
      // A number when it reads as one; otherwise the schema names the rule.
      ...(maxTries === undefined
        ? {}
        : { maxTries: Number.isNaN(Number(maxTries)) ? maxTries : Number(maxTries) }),
    });
  } catch (err) {
    if (!(err instanceof InvalidUpdateRequestError)) throw err;
    throw invalidInput('update', err);
  }
  return { request, wait: !values['no-wait'], taskQueue: values['task-queue'] };
}

function splitAssignment(assignment: string): [string, unknown] {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new UsageError(`--set ${assignment}: expected FIELD=VALUE`);
  const text = assignment.slice(at + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  return [assignment.slice(0, at), value];
}

function readPatchFile(path: string): Record<string, unknown> {
  const patch = readJsonFile(path);
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new UsageError(`--file ${path} must hold a JSON object of fields and values`);
  }
  return patch as Record<string, unknown>;
}

function announce({ namespace }: TemporalConnection, handle: ConfigurationUpdateHandle): void {
  console.error(
    `Update ${handle.updateId} of workflow ${handle.workflowId} (run ${handle.runId ?? 'unknown'})`,
  );
  const link = handle.runId && webUiLink(namespace, handle.workflowId, handle.runId, webUiBaseUrl());
  if (link) console.error(`Web UI: ${link}`);
}

/** Shows the update's place in the queue, then its steps, until it ends; resolves with its result. */
async function followUpdate(
  client: Client,
  handle: ConfigurationUpdateHandle,
  view: ProgressView,
): Promise<Awaited<ReturnType<ConfigurationUpdateHandle['result']>>> {
  let queuedAhead: number | undefined;
  return follow(handle.result(), async () => {
    const status = await tryQuery(client, () => handle.status());
    if (status?.state === 'queued' && status.ahead !== queuedAhead) {
      queuedAhead = status.ahead;
      console.error(`  queued behind ${status.ahead} other update(s) of this configuration`);
    } else if (status && 'progress' in status) view.update(status.progress);
  });
}
