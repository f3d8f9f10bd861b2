/**
 * `npm run orchestrator -- teardown WORKFLOW_ID` (what that provisioning made) or `teardown
 * --store-id/--configuration-id/--conversation-id` (explicit IDs): starts the teardown, or
 * attaches to the same one, and follows it to its end with live progress. The report, resource
 * by resource, is JSON on stdout.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  teardownProvisioning,
  teardownResources,
  TeardownRefusedError,
  type StartedTeardown,
  type TeardownOptions,
} from '../../lifecycle/teardown';
import { taskQueueFromEnv, type TemporalConnection } from '../../temporal/connection';
import type { teardownOrchestrator } from '../../workflows/teardown';
import { InvalidTeardownInputError } from '../../workflows/teardown-input';
import { EXIT } from '../exit-codes';
import { describeFailureChain } from '../failure';
import { followRun } from '../follow';
import { progressViewFor } from '../progress-view';
import { withTemporal } from '../temporal-session';
import { invalidInput, parseCommandArgs, UsageError } from '../usage-error';
import { webUiBaseUrl, webUiLink } from '../web-ui';
import { TASK_QUEUE_HELP, type Verb } from './verb';

const TEARDOWN_USAGE = `Remove what a provisioning made: its conversation, configuration and store, in that order.

Usage:
  npm run orchestrator -- teardown WORKFLOW_ID [options]
  npm run orchestrator -- teardown [--conversation-id ID] [--configuration-id ID] [--store-id ID] [options]

  WORKFLOW_ID              a provisioning's workflow ID: what it created or adopted is deleted,
                           what it was given (an existing store or conversation) is kept
  --conversation-id ID     or name the resources to delete, whoever made them
  --configuration-id ID
  --store-id ID
  --request-id ID          names the request: the same one again returns the first teardown,
                           a new one runs anew (e.g. once a kept store's other configurations are gone)
  --no-wait                print the workflow ID once started, do not follow it
  --task-queue NAME        ${TASK_QUEUE_HELP}

The same teardown started twice attaches to the first; once completed it is not run again.
A message already delivered cannot be unsent: deleting a conversation removes its record only.
Exit codes: 0 done (the report says deleted, already-gone or kept, and why), 1 a deletion failed
(the report says what is left), 2 bad usage or a provisioning that cannot be torn down yet.`;

const OPTIONS = {
  'conversation-id': { type: 'string' },
  'configuration-id': { type: 'string' },
  'store-id': { type: 'string' },
  'request-id': { type: 'string' },
  'no-wait': { type: 'boolean' },
  'task-queue': { type: 'string' },
} as const;

type Target =
  | { kind: 'provisioning'; workflowId: string }
  | { kind: 'ids'; storeId?: string; configurationId?: string; conversationId?: string };

interface TeardownCommand {
  target: Target;
  wait: boolean;
  taskQueue?: string;
  requestId?: string;
}

function parseTeardownArgs(args: string[]): TeardownCommand {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const ids = {
    storeId: values['store-id'],
    configurationId: values['configuration-id'],
    conversationId: values['conversation-id'],
  };
  const namesIds = Object.values(ids).some((id) => id !== undefined);
  if (positionals.length > 1) throw new UsageError('teardown takes at most one workflow ID');
  if (positionals.length === 1 && namesIds) {
    throw new UsageError('give a workflow ID or resource IDs (--store-id ...), not both');
  }
  if (positionals.length === 0 && !namesIds) {
    throw new UsageError(
      'nothing to tear down: give a workflow ID or --store-id/--configuration-id/--conversation-id',
    );
  }
  const target: Target =
    positionals.length === 1
      ? { kind: 'provisioning', workflowId: positionals[0]! }
      : { kind: 'ids', ...ids };
  return {
    target,
    wait: !values['no-wait'],
    taskQueue: values['task-queue'],
    requestId: values['request-id'],
  };
}

export const teardown: Verb = {
  summary: 'remove what a provisioning made, or resources named by ID, children first',
  usage: TEARDOWN_USAGE,
  async run(args) {
    const { target, wait, ...command } = parseTeardownArgs(args);
    const options: TeardownOptions = {
      taskQueue: command.taskQueue ?? taskQueueFromEnv(),
      requestId: command.requestId,
    };
    return withTemporal(async (temporal) => {
      let handle: StartedTeardown;
      try {
        handle =
          target.kind === 'provisioning'
            ? await teardownProvisioning(temporal.client, target.workflowId, options)
            : await teardownResources(temporal.client, target, options);
      } catch (err) {
        if (err instanceof InvalidTeardownInputError) throw invalidInput('teardown input', err);
        if (err instanceof TeardownRefusedError) throw new UsageError(`${err.message}; nothing was started`);
        throw err;
      }
      announce(temporal, handle);
      if (!wait) {
        console.log(JSON.stringify({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId }));
        return EXIT.ok;
      }
      try {
        const result = await followRun<typeof teardownOrchestrator>(handle, progressViewFor(process.stderr));
        console.log(JSON.stringify(result, null, 2));
        return EXIT.ok;
      } catch (err) {
        console.error(`Teardown failed:\n${describeFailureChain(err)}`);
        const report = reportOf(err);
        if (report) console.log(JSON.stringify(report, null, 2));
        return EXIT.failed;
      }
    });
  },
};

function announce({ namespace }: TemporalConnection, handle: StartedTeardown): void {
  console.error(`Teardown ${handle.workflowId} (run ${handle.firstExecutionRunId})`);
  const link = webUiLink(namespace, handle.workflowId, handle.firstExecutionRunId, webUiBaseUrl());
  if (link) console.error(`Web UI: ${link}`);
}

/** A `TeardownIncomplete` failure's report: what was deleted and what is left, and why. */
function reportOf(err: unknown): unknown {
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
}
