/**
 * `npm run provision -- update CONFIGURATION_ID --set field=value ... [--file patch.json]`:
 * sends a patch to the configuration's updates workflow (starting it if none runs) and follows
 * the update to its end: queued behind others of the same configuration, then its steps.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { updateConfiguration, type ConfigurationUpdateHandle } from '../lifecycle/update';
import type { TemporalConnection } from '../temporal/connection';
import { DEFAULT_TASK_QUEUE } from '../workflows/definitions';
import {
  InvalidUpdateRequestError,
  parseUpdateRequest,
  type ParsedUpdateRequest,
} from '../workflows/update-input';
import { EXIT } from './exit-codes';
import { follow, tryQuery } from './follow';
import { withTemporal } from './provision-command';
import { progressViewFor, type ProgressView } from './progress-view';
import { webUiBaseUrl, webUiLink } from './web-ui';

export const UPDATE_USAGE = `Change fields of an existing configuration.

Usage:
  npm run provision -- update CONFIGURATION_ID --set FIELD=VALUE [--set FIELD=VALUE ...] [options]
  npm run provision -- update CONFIGURATION_ID --file patch.json [options]

  --set FIELD=VALUE   a field and its new value; VALUE is read as JSON when it is JSON
                      (true, 30, ["a"], {"SMS":{}}), else as text: --set description=Night line.
                      Text that reads as JSON is quoted: --set 'description="true"'
  --file PATH         a JSON object of fields and values (--set may add other fields)
  --request-id ID     names the request: sent again, it is the same update, applied once
                      (default: the configuration ID and the patch name it)
  --max-tries N       reads and PUTs while others change the configuration (default 3, at most 10)
  --no-wait           print the workflow and update IDs once accepted, do not follow
  --task-queue NAME   default: $TEMPORAL_TASK_QUEUE, else orchestrator-provisioning

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
  help: { type: 'boolean', short: 'h' },
} as const;

interface UpdateCommand {
  request: ParsedUpdateRequest;
  wait: boolean;
  taskQueue?: string;
}

/** Runs `update`; resolves with the exit code. The result is JSON on stdout, the rest on stderr. */
export async function runUpdateCommand(args: string[]): Promise<number> {
  let command: UpdateCommand | 'help';
  try {
    command = parseUpdateArgs(args);
  } catch (err) {
    if (err instanceof InvalidUpdateRequestError) {
      const issues = err.issues.map((issue) => `${issue.path}: ${issue.message}`);
      console.error(`error: invalid update, nothing was started: ${issues.join('; ')}`);
      return EXIT.usage;
    }
    if (!(err instanceof UpdateUsageError)) throw err;
    console.error(`error: ${err.message} (npm run provision -- update --help lists the options)`);
    return EXIT.usage;
  }
  if (command === 'help') {
    console.log(UPDATE_USAGE);
    return EXIT.ok;
  }
  const { request, wait, taskQueue } = command;
  return withTemporal(async (temporal) => {
    const handle = await updateConfiguration(temporal.client, request, {
      taskQueue: taskQueue ?? (process.env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE),
    });
    announce(temporal, handle);
    if (!wait) {
      const { workflowId, updateId, runId } = handle;
      console.log(JSON.stringify({ workflowId, updateId, runId }));
      return EXIT.ok;
    }
    // A failed update rejects: src/cli/provision.ts prints its one line and exits 1.
    const result = await followUpdate(temporal.client, handle, progressViewFor(process.stderr));
    console.log(JSON.stringify(result, null, 2));
    return EXIT.ok;
  });
}

class UpdateUsageError extends Error {
  override readonly name = 'UpdateUsageError';
}

function parseUpdateArgs(args: string[]): UpdateCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    throw new UpdateUsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UpdateUsageError('update takes exactly one configuration ID');
  if (values.set === undefined && values.file === undefined) {
    throw new UpdateUsageError('nothing to change: give --set FIELD=VALUE or --file PATH');
  }
  const fields = Object.entries(values.file === undefined ? {} : readPatchFile(values.file));
  for (const assignment of values.set ?? []) {
    const [field, value] = splitAssignment(assignment);
    if (fields.some(([name]) => name === field)) {
      throw new UpdateUsageError(`${field} is set twice (by --file or another --set)`);
    }
    fields.push([field, value]);
  }
  // Own properties only, whatever the names (a `__proto__` field is refused by name, never assigned).
  const patch = Object.fromEntries(fields);
  const maxTries = values['max-tries'];
  const request = parseUpdateRequest({
    configurationId: positionals[0],
    patch,
    ...(values['request-id'] === undefined ? {} : { requestId: values['request-id'] }),
    // A number when it reads as one; otherwise the schema names the rule.
    ...(maxTries === undefined
      ? {}
      : { maxTries: Number.isNaN(Number(maxTries)) ? maxTries : Number(maxTries) }),
  });
  return { request, wait: !values['no-wait'], taskQueue: values['task-queue'] };
}

function splitAssignment(assignment: string): [string, unknown] {
  const at = assignment.indexOf('=');
  if (at <= 0) throw new UpdateUsageError(`--set ${assignment}: expected FIELD=VALUE`);
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UpdateUsageError(
      `cannot read --file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (err) {
    throw new UpdateUsageError(
      `--file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new UpdateUsageError(`--file ${path} must hold a JSON object of fields and values`);
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
