/**
 * `teardownOrchestrator`: remove what a provisioning made — its conversation, then its
 * configuration, then its memory store — each DELETE awaited with durable timers (see
 * ./remove-resources). The result says, resource by resource, `deleted`, `already-gone` or
 * `kept` with why; resources the provisioning was `given` are kept unless the caller named them.
 *
 * A delete operation that FAILED keeps that resource and those holding it, and the run fails with
 * `TeardownIncomplete`, whose details carry the same report: starting the same teardown again
 * retries what is left (what is gone by then counts as `already-gone`).
 *
 * Deterministic: no I/O here.
 */
import { ApplicationFailure, log } from '@temporalio/workflow';
import {
  REMOVAL_ORDER,
  TEARDOWN_STEPS,
  type RemovableResource,
  type TeardownResult,
  type TeardownStep,
} from './definitions';
import { FailureType } from './failure-types';
import { resolvePollingPolicy } from './polling-policy';
import { describeRemoval, removeInOrder, type RemovalContext, type RemovalTargets } from './remove-resources';
import { StepRunner } from './step-runner';
import { parseTeardownInput, type ParsedTeardownInput, type TeardownInput } from './teardown-input';
import { validated } from './validated';

/** The progress ID names of each resource (as the provisioning reports them). */
const ID_NAMES: Record<RemovableResource, string> = {
  conversation: 'conversationId',
  configuration: 'configurationId',
  memoryStore: 'memoryStoreId',
};

export const MESSAGES_CANNOT_BE_UNSENT =
  'deleting a conversation removes its record, not what its recipients received: a message cannot be unsent';

export async function teardownOrchestrator(rawInput: TeardownInput): Promise<TeardownResult> {
  const input = validated(rawInput, parseTeardownInput);
  const startedAt = Date.now();
  const source = input.provisioningWorkflowId ? `of provisioning ${input.provisioningWorkflowId}` : 'by ID';
  const run = new StepRunner<TeardownStep>(
    { operation: 'teardown', title: `Tearing down the resources ${source}`, steps: TEARDOWN_STEPS },
    resolvePollingPolicy(input.polling),
  );
  const context: RemovalContext = {
    stage: (step, body) => run.step(step, body),
    skip: (...steps) => run.skip(...steps),
    poll: (wait) => run.poll(wait),
    record: (resource, state) =>
      run.resource(resource, typeof state === 'string' ? state : describeRemoval(state)),
  };
  const messages = input.resources.conversation ? MESSAGES_CANNOT_BE_UNSENT : undefined;

  const { value, steps } = await run.run(async () => {
    run.found(Object.fromEntries(REMOVAL_ORDER.map((name) => [ID_NAMES[name], input.resources[name]?.id])));
    const report = await removeInOrder(targetsOf(input), context);
    if (report.incomplete) {
      throw ApplicationFailure.create({
        type: FailureType.TeardownIncomplete,
        nonRetryable: true,
        message: `teardown incomplete: ${report.incomplete}; start the teardown again once the cause is fixed`,
        details: [{ resources: report.removals, messages }],
      });
    }
    return report.removals;
  });
  log.info('Teardown completed', { resources: value });
  return {
    resources: value,
    ...(messages ? { messages } : {}),
    steps,
    totalElapsedMs: Date.now() - startedAt,
  };
}

/** `given` resources stay: they belong to whoever gave them to the provisioning. */
function targetsOf(input: ParsedTeardownInput): RemovalTargets {
  const targets: RemovalTargets = {};
  for (const name of REMOVAL_ORDER) {
    const target = input.resources[name];
    if (!target) continue;
    targets[name] =
      target.origin === 'given'
        ? {
            id: target.id,
            keep:
              'it was given to the provisioning by its caller, not made by it; name it explicitly ' +
              '(teardownResources, or teardown --store-id/--configuration-id/--conversation-id) to delete it',
          }
        : { id: target.id };
  }
  return targets;
}
