/**
 * `onFailure: 'rollback'` and cancellation over the real emulator: a failure at each step leaves
 * nothing this run created (audited through the emulator's state), a create whose response was
 * lost is found and removed, what was given is kept; a cancel during a wait stops the run, with
 * and without rollback.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { cancelProvisioning } from '../../src/lifecycle/cancel';
import { progressQuery, type ProvisionProgress } from '../../src/workflows/definitions';
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from '../support/inputs';
import {
  applicationFailureOf,
  createStoreDirectly,
  failed,
  provision,
  useTestBed,
  withApiOverrides,
  withRig,
  type RigOptions,
} from './support';

const bed = useTestBed();

const rollback = (overrides: Partial<ProvisionInput> = {}) =>
  provisionInput({ onFailure: 'rollback', ...overrides });

/** Provisions to its failure and returns the failure type, the final progress and the emulator's state. */
async function failWith(options: RigOptions, input: ProvisionInput | Parameters<typeof provision>[2]) {
  let progress: ProvisionProgress | undefined;
  const { outcome, summary } = await provision(bed, options, input, async (_rig, handle) => {
    progress = (await handle.query(progressQuery)) as ProvisionProgress;
  });
  return { error: failed(outcome), progress: progress!, summary };
}

function expectNothingLeft(summary: { stores: number; configurations: number; conversations: number }) {
  expect(summary).toMatchObject({ stores: 0, configurations: 0, conversations: 0 });
}

const FAILED_OPERATION = { title: 'Provisioning refused', detail: 'Region capacity exhausted' };

test('a FAILED store operation: the store it left (FAILED, ID never learned) is found by name and deleted', async () => {
  const { error, progress, summary } = await failWith(
    {
      faults: [
        {
          kind: 'operation-fails',
          match: { method: 'POST', path: '^/v1/ControlPlane/Stores$' },
          error: FAILED_OPERATION,
        },
      ],
    },
    rollback(),
  );
  expect(applicationFailureOf(error, 'workflow').type).toBe('OperationFailed');
  expect(progress.step).toBe('failed');
  expect(progress.resources).toMatchObject({ 'memoryStore.rollback': 'deleted' });
  expectNothingLeft(summary);
});

test('the same failure with onFailure keep (the default) leaves the store for a rerun to adopt', async () => {
  const { summary } = await failWith(
    {
      faults: [
        {
          kind: 'operation-fails',
          match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
          error: FAILED_OPERATION,
        },
      ],
    },
    provisionInput(),
  );
  expect(summary).toMatchObject({ stores: 1, configurations: 0 });
  expect(summary.requests['DELETE /v1/ControlPlane/Stores/{storeId}']).toBeUndefined();
});

test('a FAILED configuration operation: the configuration never came to be, the store is deleted', async () => {
  const { error, progress, summary } = await failWith(
    {
      faults: [
        {
          kind: 'operation-fails',
          match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
          error: FAILED_OPERATION,
        },
      ],
    },
    rollback(),
  );
  expect(applicationFailureOf(error, 'workflow').type).toBe('OperationFailed');
  expect(progress.resources).toMatchObject({
    'configuration.rollback': 'already-gone',
    'memoryStore.rollback': 'deleted',
  });
  expectNothingLeft(summary);
});

test('a refused conversation create (400 from the emulator): configuration and store are deleted', async () => {
  const { error, progress, summary } = await failWith(
    {
      // The real emulator refuses the body: a participant type it does not know.
      interceptApi: (api) =>
        withApiOverrides(api, 'conversations', {
          create: (body, options) =>
            api.conversations.create(
              { ...body, participants: [{ name: 'x', type: 'ROBOT' as 'CUSTOMER' }] },
              options,
            ),
        }),
    },
    rollback(),
  );
  expect(applicationFailureOf(error, 'activity').type).toBe('ApiRefused');
  expect(progress.resources).toMatchObject({
    'configuration.rollback': 'deleted',
    'memoryStore.rollback': 'deleted',
  });
  expect(progress.resources['conversation.rollback']).toBe('not found: never created');
  expectNothingLeft(summary);
});

test('a FAILED message: conversation, configuration and store are deleted; the report says a message cannot be unsent', async () => {
  const input = rollback();
  input.message.to = [{ address: '+15555550000', channel: 'SMS' }];
  const { error, progress, summary } = await failWith({}, input);
  expect(applicationFailureOf(error, 'workflow').type).toBe('MessageSendFailed');
  expect(progress.resources).toMatchObject({
    'conversation.rollback': 'deleted',
    'configuration.rollback': 'deleted',
    'memoryStore.rollback': 'deleted',
    'message.rollback': 'kept: a message cannot be unsent',
  });
  expectNothingLeft(summary);
});

test.each([
  { resource: 'memoryStore', path: '^/v1/ControlPlane/Stores$' },
  { resource: 'conversation', path: '^/v2/Conversations$' },
])(
  'a $resource create whose response was lost is found (adopted on retry) and removed',
  async ({ resource, path }) => {
    const input = rollback();
    input.message.to = [{ address: '+15555550000', channel: 'SMS' }];
    const { progress, summary } = await failWith(
      { faults: [{ kind: 'accept-then-drop', match: { method: 'POST', path }, times: 1 }] },
      input,
    );
    expect(progress.resources).toMatchObject({ [resource]: 'adopted', [`${resource}.rollback`]: 'deleted' });
    expectNothingLeft(summary);
  },
);

test('a given store is never rolled back: only what the run created is removed', async () => {
  const { progress, summary } = await failWith(
    {
      faults: [
        {
          kind: 'operation-fails',
          match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
          error: FAILED_OPERATION,
        },
      ],
    },
    async (rig) =>
      rollback({
        memoryStore: { existingStoreId: await createStoreDirectly(rig, `given-${randomUUID().slice(0, 8)}`) },
      }),
  );
  expect(progress.resources['memoryStore']).toBe('given');
  expect(progress.resources['memoryStore.rollback']).toBeUndefined();
  expect(summary).toMatchObject({ stores: 1, configurations: 0 });
  expect(summary.requests['DELETE /v1/ControlPlane/Stores/{storeId}']).toBeUndefined();
});

describe('cancel during a wait (the configuration operation never settles)', () => {
  const stuck: RigOptions = {
    faults: [
      { kind: 'operation-stuck', match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' } },
    ],
  };

  async function cancelWhileAwaiting(input: ProvisionInput) {
    return withRig(bed, stuck, async (rig) => {
      const worker = await rig.newWorker();
      return worker.runUntil(async () => {
        const handle = await rig.start(input);
        // Queries do not skip time: the run is still in its wait when the cancel arrives.
        for (let tries = 0; tries < 200; tries += 1) {
          const progress = await handle.query(progressQuery);
          if (
            progress.step === 'await-configuration' &&
            (progress.steps['await-configuration']?.polls ?? 0) > 0
          )
            break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const cancelled = await cancelProvisioning(bed.env.client, handle.workflowId);
        const again = await cancelProvisioning(bed.env.client, handle.workflowId);
        const error = await handle.result().then(
          () => undefined,
          (err: unknown) => err,
        );
        const progress = (await handle.query(progressQuery)) as ProvisionProgress;
        const ended = await cancelProvisioning(bed.env.client, handle.workflowId);
        const history = await handle.fetchHistory();
        return { cancelled, again, ended, error, progress, history, summary: rig.emulator.summary() };
      });
    });
  }

  test('with rollback: stops, removes what it created, ends cancelled with the report', async () => {
    const { cancelled, again, ended, error, progress, history, summary } =
      await cancelWhileAwaiting(rollback());
    expect(cancelled.cancellation).toBe('requested');
    expect(again.firstExecutionRunId).toBe(cancelled.firstExecutionRunId);
    expect(ended.cancellation).toBe('already-ended:CANCELLED');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(progress.step).toBe('cancelled');
    expect(progress.resources).toMatchObject({ memoryStore: 'created', 'memoryStore.rollback': 'deleted' });
    expect(summary.stores).toBe(0);
    // Determinism: the cancelled run, rollback included, replays against the current workflow code.
    await Worker.runReplayHistory({ workflowBundle: bed.workflowBundle }, history, cancelled.workflowId);
  });

  test('without rollback: stops and keeps what it made', async () => {
    const { error, progress, summary } = await cancelWhileAwaiting(provisionInput());
    expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(progress.step).toBe('cancelled');
    expect(progress.resources['memoryStore.rollback']).toBeUndefined();
    expect(summary.stores).toBe(1);
    expect(summary.requests['DELETE /v1/ControlPlane/Stores/{storeId}']).toBeUndefined();
  });
});
