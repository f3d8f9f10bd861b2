/**
 * A provisioning that failed may be started again under the same identity (same workflow ID,
 * a new run). The new run adopts what the failed one made — the store by its display name, the
 * configuration by its displayName in that store, the conversation by its name under that
 * configuration, the first message by its text and recipients in that conversation — instead of
 * making any of it twice. Runs are started the way backend code starts them: `startProvisioning`.
 */
import { randomUUID } from 'node:crypto';
import {
  awaitProvisioning,
  getProgress,
  startProvisioning,
  type StartedProvisioning,
} from '../../src/client';
import type { ProvisionProgress } from '../../src/workflows/definitions';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';
import {
  applicationFailureOf,
  createConfigurationDirectly,
  createStoreDirectly,
  failed,
  inputFailingWhenUnconfirmed,
  provision,
  succeeded,
  withRig,
  type Outcome,
  type Rig,
  useTestBed,
} from './support';

const bed = useTestBed();

const SEND = 'POST /v2/Conversations/{conversationId}/Actions';
const CONFIGURATION_POSTS = 'POST /v2/ControlPlane/Configurations';
const ONE_OF_EACH = { stores: 1, configurations: 1, conversations: 1 };

/**
 * Starts `input` through the client (workflow ID from its identity) and runs a worker until it
 * ends; its last progress is read while the worker still answers queries.
 */
async function runThroughClient(
  rig: Rig,
  input: ProvisionInput,
): Promise<{ outcome: Outcome; run: StartedProvisioning; progress: ProvisionProgress }> {
  const worker = await rig.newWorker();
  const run = await startProvisioning(bed.env.client, input, { taskQueue: rig.taskQueue });
  return worker.runUntil(async () => {
    const outcome = await awaitProvisioning(run).then(
      (result): Outcome => ({ ok: true, result }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    return { outcome, run, progress: await getProgress(run) };
  });
}

test('a rerun after the message action FAILED adopts store, configuration and conversation, and sends once', async () => {
  await withRig(bed, {}, async (rig) => {
    const input = provisionInput();
    const unreachable = {
      ...input,
      message: { ...input.message, to: [{ address: '+15555550000', channel: 'SMS' }] },
    };
    const first = await runThroughClient(rig, unreachable);
    expect(applicationFailureOf(failed(first.outcome), 'workflow').type).toBe('MessageSendFailed');

    const second = await runThroughClient(rig, input);
    const result = succeeded(second.outcome);

    expect(second.run.workflowId).toBe(first.run.workflowId);
    expect(second.run.firstExecutionRunId).not.toBe(first.run.firstExecutionRunId);
    const summary = rig.emulator.summary();
    expect(summary).toMatchObject(ONE_OF_EACH);
    // One configuration create in all: the rerun found it in the adopted store.
    expect(summary.requests[CONFIGURATION_POSTS]).toBe(1);
    expect(summary.requests['POST /v2/Conversations']).toBe(1);
    // The failed action to the unreachable recipient, then the message to the working one.
    expect(summary.messagesSent).toBe(2);
    expect(result.origins).toEqual({
      memoryStore: 'adopted',
      configuration: 'adopted',
      conversation: 'adopted',
      message: 'sent',
    });
    expect(second.progress.resources).toEqual(result.origins);
    expect(result.configurationIdResolvedBy).toBe('adopted');
    expect(result.steps['await-configuration'].status).toBe('skipped');
    expect(result.steps['resolve-configuration-id'].status).toBe('skipped');
    expect(result.ids.actionId).toMatch(/^conv_action_/);
  });
});

test('a rerun after the configuration operation FAILED creates the configuration, once, in the adopted store', async () => {
  await withRig(
    bed,
    {
      faults: [
        {
          kind: 'operation-fails',
          times: 1,
          match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
          error: { title: 'Provisioning refused' },
        },
      ],
    },
    async (rig) => {
      const input = provisionInput();
      const first = await runThroughClient(rig, input);
      expect(applicationFailureOf(failed(first.outcome), 'workflow').type).toBe('OperationFailed');

      const result = succeeded((await runThroughClient(rig, input)).outcome);

      expect(rig.emulator.summary()).toMatchObject({ ...ONE_OF_EACH, messagesSent: 1 });
      expect(result.origins).toEqual({
        memoryStore: 'adopted',
        configuration: 'created',
        conversation: 'created',
        message: 'sent',
      });
      expect(result.configurationIdResolvedBy).toBe('related');
    },
  );
});

test('a rerun after "may or may not have been delivered", once the message is listed, adopts it: never sent twice', async () => {
  await withRig(
    bed,
    {
      // The Action completes 10 minutes of workflow time after the send, past the 5 minute deadline.
      emulatorClock: 'workflow',
      actionLatency: { ms: 10 * 60_000 },
      faults: [{ kind: 'accept-then-drop', times: 1, match: { method: 'POST', path: '/Actions$' } }],
    },
    async (rig) => {
      const input = inputFailingWhenUnconfirmed(5 * 60_000);
      const first = await runThroughClient(rig, input);
      const unknown = applicationFailureOf(failed(first.outcome), 'workflow');
      expect(unknown.type).toBe('MessageOutcomeUnknown');
      expect(unknown.message).toContain('before running this provisioning again');

      // The person checks the conversation, sees the message, and runs the provisioning again.
      await bed.env.sleep('10 minutes');
      await rig.followWorkflowTime();
      const result = succeeded((await runThroughClient(rig, input)).outcome);

      const summary = rig.emulator.summary();
      expect(summary).toMatchObject({ ...ONE_OF_EACH, messagesSent: 1 });
      expect(summary.requests[SEND]).toBe(1);
      expect(result.origins).toMatchObject({ conversation: 'adopted', message: 'adopted' });
      expect(result.ids.communicationId).toMatch(/^conv_communication_/);
      expect(result.ids.actionId).toBeUndefined();
      expect(result.ids.conversationId).toBe(
        (unknown.details as [{ conversationId: string }])[0].conversationId,
      );
    },
  );
});

test('an existing store that already has a configuration of the displayName: it is adopted, not created', async () => {
  let namesake = '';
  const input = provisionInput();
  const { outcome, summary } = await provision(bed, {}, async (rig) => {
    const existingStoreId = await createStoreDirectly(rig, `given-${randomUUID().slice(0, 8)}`);
    namesake = await createConfigurationDirectly(rig, existingStoreId, input.configuration.displayName);
    return { ...input, memoryStore: { existingStoreId } };
  });
  const result = succeeded(outcome);

  expect(result.ids.configurationId).toBe(namesake);
  expect(result.configurationIdResolvedBy).toBe('adopted');
  expect(result.origins).toEqual({
    memoryStore: 'given',
    configuration: 'adopted',
    conversation: 'created',
    message: 'sent',
  });
  expect(summary).toMatchObject({ ...ONE_OF_EACH, messagesSent: 1 });
  expect(summary.requests[CONFIGURATION_POSTS]).toBe(1);
});

test('an existing store with two configurations of the displayName fails before creating, naming both', async () => {
  let namesakes: string[] = [];
  const input = provisionInput();
  const { outcome, summary } = await provision(bed, {}, async (rig) => {
    const existingStoreId = await createStoreDirectly(rig, `given-${randomUUID().slice(0, 8)}`);
    const { displayName } = input.configuration;
    namesakes = [
      await createConfigurationDirectly(rig, existingStoreId, displayName),
      await createConfigurationDirectly(rig, existingStoreId, displayName),
    ];
    return { ...input, memoryStore: { existingStoreId } };
  });
  const failure = applicationFailureOf(failed(outcome), 'workflow');

  expect(failure.type).toBe('AmbiguousConfiguration');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(`2 configurations named "${input.configuration.displayName}"`);
  for (const id of namesakes) expect(failure.message).toContain(id);
  expect(failure.message).toContain('delete the extra ones or choose another displayName');
  // Nothing made by the workflow: the two configurations are the set-up's.
  expect(summary).toMatchObject({ configurations: 2, conversations: 0, messagesSent: 0 });
  expect(summary.requests[CONFIGURATION_POSTS]).toBe(2);
});

test('a given conversation that already holds the first message: it is adopted, not sent again', async () => {
  const input = provisionInput();
  let communicationId: string | undefined;
  const { outcome, summary } = await provision(bed, {}, async (rig) => {
    const existingStoreId = await createStoreDirectly(rig, `given-${randomUUID().slice(0, 8)}`);
    const configurationId = await createConfigurationDirectly(rig, existingStoreId, 'given');
    const conversation = await rig.api.conversations.create({ configurationId, name: 'given' });
    const { message } = input;
    const payload = { from: message.from, to: message.to, content: { text: message.text } };
    const action = await rig.api.actions.create(conversation.id, { type: 'SEND_MESSAGE', payload });
    communicationId = (await rig.api.actions.get(conversation.id, action.id)).related?.communicationId;
    return { ...input, conversation: { existingConversationId: conversation.id } };
  });
  const result = succeeded(outcome);

  expect(communicationId).toMatch(/^conv_communication_/);
  expect(result.ids.communicationId).toBe(communicationId);
  expect(result.origins.message).toBe('adopted');
  expect(summary.messagesSent).toBe(1);
  expect(summary.requests[SEND]).toBe(1);
});
