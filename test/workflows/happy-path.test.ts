import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import {
  LifecycleOperation,
  OrchestratorConfigurationId,
  OrchestratorStoreId,
  PROVISION_STEPS,
  progressQuery,
  ProvisioningStep,
} from '../../src/workflows/definitions';
import { provisionInput } from '../support/inputs';
import {
  createConfigurationDirectly,
  createStoreDirectly,
  expectNoCredentialsIn,
  provision,
  succeeded,
  withRig,
  useTestBed,
} from './support';

const bed = useTestBed();
const EventType = temporal.api.enums.v1.EventType;

test('provisions store, configuration, conversation and first message, and reports each step', async () => {
  const input = provisionInput();
  let credentials = { accountSid: '', authToken: '' };
  const { outcome, handle, summary } = await provision(bed, {}, input, async (rig, handle) => {
    credentials = rig.emulator.credentials;
    const progress = await handle.query(progressQuery);
    expect(progress.step).toBe('completed');
    expect(progress.stuckOperationId).toBeUndefined();
  });
  const result = succeeded(outcome);

  const { ids } = result;
  expect(Object.keys(ids).sort()).toEqual(
    [
      'actionId',
      'communicationId',
      'configurationId',
      'conversationId',
      'memoryStoreId',
      'messageSid',
    ].sort(),
  );
  expect(ids.memoryStoreId).toMatch(/^mem_store_/);
  expect(ids.configurationId).toMatch(/^conv_configuration_/);
  expect(ids.conversationId).toMatch(/^conv_conversation_/);
  expect(ids.actionId).toMatch(/^conv_action_/);
  expect(ids.messageSid).toMatch(/^SM/);
  expect(ids.communicationId).toMatch(/^conv_communication_/);
  expect(result.configurationIdResolvedBy).toBe('related');
  // A fresh store: nothing to look for under it, so nothing was looked for (see the history size below).
  expect(result.origins).toEqual({
    memoryStore: 'created',
    configuration: 'created',
    conversation: 'created',
    message: 'sent',
  });
  expect(Object.keys(result.steps)).toEqual([...PROVISION_STEPS]);
  for (const step of PROVISION_STEPS) expect(result.steps[step].status).toBe('done');
  expect(result.steps['await-memory-store'].polls).toBe(1);
  expect(result.steps['await-configuration'].polls).toBe(1);
  expect(result.steps['await-message'].polls).toBe(1);
  // The first poll waits for the 202's Retry-After (1 s in the emulator).
  expect(result.steps['await-memory-store'].elapsedMs).toBeGreaterThanOrEqual(1000);
  expect(summary).toMatchObject({ stores: 1, configurations: 1, conversations: 1, messagesSent: 1 });

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  console.log(`happy path: ${events.length} history events`);
  expect(events.length).toBeLessThanOrEqual(80);

  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(ProvisioningStep)).toBe('completed');
  expect(description.typedSearchAttributes.get(OrchestratorStoreId)).toBe(result.ids.memoryStoreId);
  expect(description.typedSearchAttributes.get(OrchestratorConfigurationId)).toBe(result.ids.configurationId);

  // No credential in any form reaches the history, payloads included.
  expectNoCredentialsIn(history, credentials, input.message.text);

  // Determinism: the recorded history replays against the current workflow code.
  await Worker.runReplayHistory({ workflowBundle: bed.workflowBundle }, history, handle.workflowId);
});

test('at-end: the run writes its step and IDs to search attributes once, as it ends', async () => {
  const upsertsOf = async (handle: WorkflowHandle) =>
    ((await handle.fetchHistory()).events ?? []).filter(
      (event) => event.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    ).length;
  const everyStep = await provision(bed, {}, provisionInput());
  const atEnd = await provision(bed, {}, provisionInput({ stepSearchAttributes: 'at-end' }));
  const result = succeeded(atEnd.outcome);

  // One upsert per step reached, and the last one, against a single one.
  expect(await upsertsOf(everyStep.handle)).toBe(PROVISION_STEPS.length + 1);
  expect(await upsertsOf(atEnd.handle)).toBe(1);
  const attributes = (await atEnd.handle.describe()).typedSearchAttributes;
  expect(attributes.get(LifecycleOperation)).toBe('provision');
  expect(attributes.get(ProvisioningStep)).toBe('completed');
  expect(attributes.get(OrchestratorStoreId)).toBe(result.ids.memoryStoreId);
  expect(attributes.get(OrchestratorConfigurationId)).toBe(result.ids.configurationId);
  // The steps are all there to see in the result, the progress query and the current details.
  for (const step of PROVISION_STEPS) expect(result.steps[step].status).toBe('done');
});

test('an existing store and conversation are used as given: their steps are skipped', async () => {
  const { outcome, summary } = await provision(bed, {}, async (rig) => {
    const existingStoreId = await createStoreDirectly(rig, `existing-${randomUUID().slice(0, 8)}`);
    const configurationId = await createConfigurationDirectly(rig, existingStoreId, 'pre-existing');
    const conversation = await rig.api.conversations.create({
      configurationId,
      name: 'pre-existing conversation',
    });
    return provisionInput({
      memoryStore: { existingStoreId },
      conversation: { existingConversationId: conversation.id },
    });
  });
  const result = succeeded(outcome);

  expect(result.steps['create-memory-store'].status).toBe('skipped');
  expect(result.steps['await-memory-store'].status).toBe('skipped');
  expect(result.steps['create-conversation'].status).toBe('skipped');
  expect(result.steps['send-message'].status).toBe('done');
  expect(summary).toMatchObject({ stores: 1, configurations: 2, conversations: 1, messagesSent: 1 });
});

test('an operation that takes two simulated hours completes in seconds of wall time', async () => {
  const wallStart = Date.now();
  // The server asks to come back in an hour, every time; operations settle on the 2nd read.
  const { outcome } = await provision(
    bed,
    { retryAfterSeconds: 3600, operationLatency: { polls: 2 } },
    provisionInput({ polling: { operationDeadlineMs: 3 * 3_600_000, stuckAfterMs: 3 * 3_600_000 } }),
  );
  const wallMs = Date.now() - wallStart;
  const result = succeeded(outcome);

  expect(result.steps['await-memory-store'].polls).toBe(2);
  expect(result.steps['await-memory-store'].elapsedMs).toBeGreaterThanOrEqual(2 * 3_600_000);
  expect(result.steps['await-configuration'].elapsedMs).toBeGreaterThanOrEqual(2 * 3_600_000);
  expect(wallMs).toBeLessThan(15_000);
});

test('invalid input is refused at the workflow start, before any API call', async () => {
  await withRig(bed, {}, async (rig) => {
    const worker = await rig.newWorker();
    const bad = { ...provisionInput(), memoryStore: { displayName: 'spaces are not allowed' } };
    const error = await worker.runUntil(
      rig.start(bad).then((handle) => handle.result().catch((e: unknown) => e)),
    );

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect((cause as ApplicationFailure).message).toContain('memoryStore.displayName: must match');
    expect(rig.emulator.summary().requests).toEqual({});
  });
});
