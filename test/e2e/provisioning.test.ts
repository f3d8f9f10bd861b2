/**
 * End to end: `startProvisioning` on a real dev server, the real worker, the emulator over a
 * socket. What backend code and the Web UI rely on.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  awaitProvisioning,
  getProgress,
  ProvisioningConflictError,
  startProvisioning,
} from '../../src/client';
import {
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  PROVISION_STEPS,
  ProvisioningStep,
  type ProvisionProgress,
} from '../../src/workflows/definitions';
import { InvalidProvisionInputError } from '../../src/workflows/provision-input';
import { provisioningWorkflowId } from '../../src/workflows/workflow-ids';
import { expectNoCredentialsIn } from '../workflows/support';
import { STACK_CREDENTIALS, useDevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';

const stack = useDevStack();
beforeEach(() => stack.emulator.reset());

const start = (input = wallClockInput()) =>
  startProvisioning(stack.client, input, { taskQueue: stack.taskQueue });

async function progressWhen(
  handle: Awaited<ReturnType<typeof start>>,
  done: (progress: ProvisionProgress) => boolean,
): Promise<ProvisionProgress> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const progress = await getProgress(handle).catch(() => undefined);
    if (progress && done(progress)) return progress;
    await sleep(100);
  }
  throw new Error('the progress never reached the expected state');
}

test('a provisioning completes with every ID and step, searchable and described for the Web UI', async () => {
  const input = wallClockInput();
  const handle = await start(input);
  const result = await awaitProvisioning(handle);

  expect(handle.workflowId).toBe(provisioningWorkflowId(input));
  const idPatterns: Record<keyof typeof result.ids, RegExp> = {
    memoryStoreId: /^mem_store_[0-7][0-9a-z]{25}$/,
    configurationId: /^conv_configuration_/,
    conversationId: /^conv_conversation_/,
    actionId: /^conv_action_/,
    messageSid: /^SM/,
    communicationId: /^conv_communication_/,
  };
  expect(Object.keys(result.ids).sort()).toEqual(Object.keys(idPatterns).sort());
  for (const [name, pattern] of Object.entries(idPatterns)) {
    expect(result.ids[name as keyof typeof idPatterns]).toMatch(pattern);
  }
  expect(result.configurationIdResolvedBy).toBe('related');
  for (const step of PROVISION_STEPS) expect(result.steps[step].status).toBe('done');
  expect(stack.emulator.summary()).toMatchObject({
    stores: 1,
    configurations: 1,
    conversations: 1,
    messagesSent: 1,
  });

  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.typedSearchAttributes.get(ProvisioningStep)).toBe('completed');
  expect(description.typedSearchAttributes.get(OrchestratorStoreId)).toBe(result.ids.memoryStoreId);
  expect(description.typedSearchAttributes.get(OrchestratorConfigurationId)).toBe(result.ids.configurationId);
  expect(await description.staticSummary()).toContain(input.configuration.displayName);
  const details = await description.staticDetails();
  expect(details).toContain(`e2e-store-`);
  // Details are stored in plain text, outside the codec's reach: no customer address in them.
  expect(details).toContain('1 recipient(s) over SMS');
  expect(details).not.toContain('+15551230001');
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(result.ids.configurationId);
});

test('progress is queryable mid-flight, and the step is a search attribute', async () => {
  // Store operations stay pending (emulator clock) until the test moves the clock on.
  stack.emulator.configure({ operationLatency: { ms: 3_600_000 } });
  const handle = await start();

  const waiting = await progressWhen(handle, (p) => (p.steps['await-memory-store']?.polls ?? 0) >= 2);
  expect(waiting.step).toBe('await-memory-store');
  expect(waiting.steps['create-memory-store']?.status).toBe('done');
  expect(waiting.steps['await-memory-store']?.status).toBe('running');
  expect(waiting.ids.memoryStoreId).toBeUndefined();
  const { typedSearchAttributes } = await handle.describe();
  expect(typedSearchAttributes.get(ProvisioningStep)).toBe('await-memory-store');

  stack.emulator.configure({ operationLatency: { ms: 300 } });
  stack.emulator.advanceClock(3_600_000);
  const result = await awaitProvisioning(handle);
  expect(result.steps['await-memory-store'].polls).toBeGreaterThanOrEqual(3);
});

test('starting the same provisioning again attaches to its run, while running and once completed', async () => {
  const input = wallClockInput();
  const first = await start(input);
  const again = await start(input);
  expect(again.workflowId).toBe(first.workflowId);
  expect(again.firstExecutionRunId).toBe(first.firstExecutionRunId);

  const [result, sameResult] = await Promise.all([awaitProvisioning(first), awaitProvisioning(again)]);
  expect(sameResult).toEqual(result);

  const afterCompletion = await start(input);
  expect(afterCompletion.firstExecutionRunId).toBe(first.firstExecutionRunId);
  expect(await awaitProvisioning(afterCompletion)).toEqual(result);

  expect(stack.emulator.summary()).toMatchObject({
    stores: 1,
    configurations: 1,
    conversations: 1,
    messagesSent: 1,
  });
  const runs = [];
  for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${first.workflowId}'` }))
    runs.push(run);
  expect(runs).toHaveLength(1);
});

test('another input under the same workflow ID is refused, while its run runs and once it completed', async () => {
  const input = wallClockInput();
  const other = { ...input, message: { ...input.message, text: 'A different first message' } };
  const first = await start(input);

  const whileRunning = await start(other).catch((err: unknown) => err);
  expect(whileRunning).toBeInstanceOf(ProvisioningConflictError);
  expect((whileRunning as Error).message).toBe(
    `workflow ID ${first.workflowId} already belongs to a provisioning with different input ` +
      `(run ${first.firstExecutionRunId}); give this one its own provisioningId`,
  );
  await awaitProvisioning(first);
  await expect(start(other)).rejects.toBeInstanceOf(ProvisioningConflictError);

  // The same input still attaches to the completed run.
  expect((await start(input)).firstExecutionRunId).toBe(first.firstExecutionRunId);
  expect(stack.emulator.summary()).toMatchObject({ conversations: 1, messagesSent: 1 });
});

test('names that used to map to one workflow ID are two provisionings', async () => {
  const tag = wallClockInput().provisioningId!;
  const named = (configuration: string, store: string) => {
    const input = wallClockInput();
    return {
      ...input,
      provisioningId: undefined,
      configuration: { ...input.configuration, displayName: `${tag}-${configuration}` },
      memoryStore: { displayName: store },
    };
  };
  // Both were provision-<tag>-a-b-c before the configuration and store parts were told apart.
  const runs = await Promise.all([start(named('a-b', 'c')), start(named('a', 'b-c'))]);
  await Promise.all(runs.map(awaitProvisioning));

  expect(runs[0].workflowId).not.toBe(runs[1].workflowId);
  expect(stack.emulator.summary()).toMatchObject({ stores: 2, configurations: 2, messagesSent: 2 });
});

test('a provisioning that failed is started afresh under the same identity', async () => {
  const input = wallClockInput();
  const unreachable = {
    ...input,
    message: { ...input.message, to: [{ address: '+15555550000', channel: 'SMS' }] },
  };
  const failed = await start(unreachable);
  await expect(awaitProvisioning(failed)).rejects.toThrow();

  const retried = await start(input);
  expect(retried.workflowId).toBe(failed.workflowId);
  expect(retried.firstExecutionRunId).not.toBe(failed.firstExecutionRunId);
  // The rerun finds what the failed run created instead of creating it again.
  await expect(awaitProvisioning(retried)).resolves.toMatchObject({
    configurationIdResolvedBy: 'adopted',
    origins: { memoryStore: 'adopted', configuration: 'adopted', conversation: 'adopted', message: 'sent' },
  });
});

test('a 429 whose Retry-After is 0 is retried after the backoff on a real server', async () => {
  stack.emulator.addFault({
    kind: 'status',
    status: 429,
    retryAfter: 0,
    times: 2,
    match: { method: 'POST', path: '^/v2/Conversations$' },
  });
  const result = await awaitProvisioning(await start());

  expect(result.origins.conversation).toBe('created');
  expect(stack.emulator.summary()).toMatchObject({ conversations: 1, messagesSent: 1 });
  expect(stack.emulator.summary().requests['POST /v2/Conversations']).toBe(3);
});

test('invalid input is refused before anything starts, naming each field and rule', async () => {
  const input = wallClockInput();
  const bad = {
    ...input,
    configuration: { ...input.configuration, displayName: 'x'.repeat(40) },
    message: { ...input.message, to: [] },
  };
  const refusal = await start(bad).catch((err: unknown) => err);

  expect(refusal).toBeInstanceOf(InvalidProvisionInputError);
  expect((refusal as InvalidProvisionInputError).issues).toEqual([
    { path: 'configuration.displayName', message: 'must be at most 32 characters' },
    { path: 'message.to', message: 'needs at least one recipient' },
  ]);
  const handle = stack.client.workflow.getHandle(provisioningWorkflowId(input));
  await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  expect(stack.emulator.summary().requests).toEqual({});
});

test('Twilio credentials never reach the workflow history', async () => {
  const input = wallClockInput();
  const handle = await start(input);
  await awaitProvisioning(handle);

  expectNoCredentialsIn(await handle.fetchHistory(), STACK_CREDENTIALS, input.message.text);
});
