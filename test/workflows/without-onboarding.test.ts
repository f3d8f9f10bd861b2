/**
 * A provisioning without onboarding: the store and the configuration alone (as a fleet's tenant
 * without `onboarding` is made). Its conversation and message steps show as skipped, nothing is
 * sent, and its teardown removes what it made; a conversation without a message (or the reverse)
 * is refused naming both fields.
 */
import { Worker } from '@temporalio/worker';
import { teardownProvisioning } from '../../src/lifecycle/teardown';
import { PROVISION_STEPS, progressQuery } from '../../src/workflows/definitions';
import {
  InvalidProvisionInputError,
  parseProvisionInput,
  type ProvisionInput,
} from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';
import { provision, succeeded, useTestBed, withRig } from './support';

const bed = useTestBed();

/** A valid input with neither conversation nor message. */
function storeAndConfigurationOnly(): ProvisionInput {
  const { provisioningId, memoryStore, configuration } = provisionInput();
  return { provisioningId, memoryStore, configuration };
}

const ONBOARDING_STEPS = ['create-conversation', 'send-message', 'await-message'] as const;

test('conversation and message are given together or not at all, else refused naming both', () => {
  const { conversation, message, ...rest } = provisionInput();
  expect(parseProvisionInput(rest)).toEqual({ ...rest, onFailure: 'keep' });

  const refusal = (raw: unknown) => {
    try {
      parseProvisionInput(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidProvisionInputError);
      return (error as InvalidProvisionInputError).issues;
    }
    throw new Error('expected the input to be refused');
  };
  const both =
    'give conversation and message together (the onboarding), or neither (the store and configuration alone)';
  expect(refusal({ ...rest, conversation })).toEqual([
    { path: 'message', message: `is required with conversation: ${both}` },
  ]);
  expect(refusal({ ...rest, message })).toEqual([
    { path: 'conversation', message: `is required with message: ${both}` },
  ]);
});

test('provisions the store and configuration alone: the onboarding steps are skipped, nothing is sent', async () => {
  const input = storeAndConfigurationOnly();
  const { outcome, handle, summary } = await provision(bed, {}, input, async (_rig, handle) => {
    const progress = await handle.query(progressQuery);
    expect(progress.step).toBe('completed');
    expect(progress.resources).toEqual({ memoryStore: 'created', configuration: 'created' });
  });
  const result = succeeded(outcome);

  expect(Object.keys(result.ids).sort()).toEqual(['configurationId', 'memoryStoreId']);
  expect(result.origins).toEqual({ memoryStore: 'created', configuration: 'created' });
  expect(Object.keys(result.steps)).toEqual([...PROVISION_STEPS]);
  for (const step of PROVISION_STEPS) {
    const skipped = (ONBOARDING_STEPS as readonly string[]).includes(step);
    expect([step, result.steps[step].status]).toEqual([step, skipped ? 'skipped' : 'done']);
  }
  expect(summary).toMatchObject({ stores: 1, configurations: 1, conversations: 0, messagesSent: 0 });
  expect(summary.requests['POST /v2/Conversations'] ?? 0).toBe(0);

  // Deterministic: its history replays against the current workflow code.
  await Worker.runReplayHistory({ workflowBundle: bed.workflowBundle }, await handle.fetchHistory());
});

test('the teardown of a provisioning without onboarding removes its configuration and store', async () => {
  await withRig(bed, {}, async (rig) => {
    const worker = await rig.newWorker();
    await worker.runUntil(async () => {
      const provisioning = await rig.start(storeAndConfigurationOnly());
      const { ids } = await provisioning.result();
      const teardown = await teardownProvisioning(bed.env.client, provisioning.workflowId, {
        taskQueue: rig.taskQueue,
      });
      const { resources, messages } = await teardown.result();
      expect(resources).toEqual({
        configuration: { id: ids.configurationId, outcome: 'deleted' },
        memoryStore: { id: ids.memoryStoreId, outcome: 'deleted' },
      });
      // No conversation was part of it: nothing to say about messages.
      expect(messages).toBeUndefined();
    });
    expect(rig.emulator.summary()).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
  });
});
