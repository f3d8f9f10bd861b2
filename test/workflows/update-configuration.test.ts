/**
 * Configuration updates on the time-skipping server against the emulator over real sockets:
 * each test provisions a store and a configuration straight through the API, then updates it
 * through the library (`updateConfiguration`, update-with-start) and audits the emulator.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { Configuration, OrchestratorApi } from '../../src/api';
import type { EmulatorStateSummary } from '../../src/emulator';
import { updateConfiguration, type ConfigurationUpdateHandle } from '../../src/lifecycle/update';
import {
  applyPatchUpdate,
  LifecycleOperation,
  OrchestratorConfigurationId,
  ProvisioningStep,
  UPDATE_STEPS,
} from '../../src/workflows/definitions';
import { InvalidUpdateRequestError, type UpdateRequest } from '../../src/workflows/update-input';
import type { configurationUpdates } from '../../src/workflows/update-configuration';
import { configurationUpdatesWorkflowId } from '../../src/workflows/workflow-ids';
import {
  createConfigurationDirectly,
  createStoreDirectly,
  currentDetailsOf,
  readableHistory,
  useTestBed,
  withApiOverrides,
  withRig,
  type Rig,
  type RigOptions,
} from './support';

const bed = useTestBed();

const PUT = 'PUT /v2/ControlPlane/Configurations/{configurationId}';
const GET = 'GET /v2/ControlPlane/Configurations/{configurationId}';

interface UpdateBed {
  rig: Rig;
  configurationId: string;
  update: (request: Omit<UpdateRequest, 'configurationId'>) => Promise<ConfigurationUpdateHandle>;
  /** Requests the emulator received since the configuration was made. */
  requests: () => EmulatorStateSummary['requests'];
}

/**
 * A store and a configuration made through the API, a worker running, and `update` to send
 * patches to it through the library. `interceptApi` may use the rig's own client (`rig.api`).
 */
async function withConfiguration<T>(
  options: Omit<RigOptions, 'interceptApi'> & {
    interceptApi?: (api: OrchestratorApi, configurationId: () => string) => OrchestratorApi;
  },
  body: (bed: UpdateBed) => Promise<T>,
): Promise<T> {
  const { interceptApi, ...rigOptions } = options;
  let configurationId = '';
  return withRig(
    bed,
    { ...rigOptions, interceptApi: interceptApi && ((api) => interceptApi(api, () => configurationId)) },
    async (rig) => {
      const suffix = randomUUID().slice(0, 8);
      const storeId = await createStoreDirectly(rig, `store-${suffix}`);
      configurationId = await createConfigurationDirectly(rig, storeId, `config ${suffix}`);
      const before = { ...rig.emulator.summary().requests };
      const worker = await rig.newWorker();
      return worker.runUntil(
        body({
          rig,
          configurationId,
          update: (request) =>
            updateConfiguration(
              bed.env.client,
              { configurationId, ...request },
              { taskQueue: rig.taskQueue, idleTimeoutMs: 60_000 },
            ),
          requests: () => countsSince(before, rig.emulator.summary().requests),
        }),
      );
    },
  );
}

function countsSince(before: Record<string, number>, now: Record<string, number>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, count] of Object.entries(now)) {
    const since = count - (before[key] ?? 0);
    if (since > 0) counts[key] = since;
  }
  return counts;
}

/** A change made outside the workflow (another tool, a person): read, `PUT` with its version, await it. */
async function changeOutside(
  api: OrchestratorApi,
  configurationId: string,
  description: string,
): Promise<void> {
  const read = await api.configurations.get(configurationId);
  const accepted = await api.configurations.update(
    configurationId,
    {
      displayName: read.displayName,
      description,
      conversationGroupingType: read.conversationGroupingType,
      memoryStoreId: read.memoryStoreId,
      memoryExtractionEnabled: read.memoryExtractionEnabled,
      version: read.version,
    },
    { idempotencyKey: randomUUID() },
  );
  for (let polls = 0; polls < 10; polls += 1) {
    const operation = await api.configurations.getOperation(accepted.operationId);
    if (operation.status === 'COMPLETED') return;
  }
  throw new Error('set-up: the outside change did not complete');
}

/** The `ApplicationFailure` that failed an update, through its `ActivityFailure` when an activity failed. */
function updateFailureOf(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const { cause } = error as WorkflowUpdateFailedError;
  const failure = cause instanceof ApplicationFailure ? cause : cause?.cause;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

test('applies a patch: the result names each changed field, before and after, and the new version', async () => {
  await withConfiguration({}, async ({ rig, configurationId, update, requests }) => {
    const handle = await update({
      patch: {
        description: 'Support line, weekdays',
        memoryExtractionEnabled: true,
        statusCallbacks: [{ url: 'https://example.com/status', method: 'POST' }],
      },
    });
    const result = await handle.result();

    expect(result).toMatchObject({
      configurationId,
      updateId: handle.updateId,
      applied: true,
      previousVersion: 1,
      version: 2,
      tries: 1,
    });
    // In the order of the configuration's fields, whatever the patch's order.
    expect(result.changes).toEqual([
      { field: 'description', before: 'made outside the workflow', after: 'Support line, weekdays' },
      {
        field: 'statusCallbacks',
        before: null,
        after: [{ url: 'https://example.com/status', method: 'POST' }],
      },
      { field: 'memoryExtractionEnabled', before: false, after: true },
    ]);
    expect(Object.keys(result.steps)).toEqual([...UPDATE_STEPS]);
    for (const step of UPDATE_STEPS) expect(result.steps[step]?.status).toBe('done');
    expect(result.steps['await-update']?.polls).toBe(1);

    // The emulator holds the change, once; untouched fields kept their values.
    const read = await rig.api.configurations.get(configurationId);
    expect(read).toMatchObject({
      description: 'Support line, weekdays',
      memoryExtractionEnabled: true,
      conversationGroupingType: 'GROUP_BY_PROFILE',
      version: 2,
    });
    // The workflow's read and verifying read, and the test's own.
    expect(requests()).toMatchObject({ [PUT]: 1, [GET]: 3 });

    // Progress, Web UI and search attributes.
    const status = await handle.status();
    expect(status.state).toBe('completed');
    const workflow = bed.env.client.workflow.getHandle(handle.workflowId);
    expect(handle.workflowId).toBe(configurationUpdatesWorkflowId(configurationId));
    const description = await workflow.describe();
    expect(description.typedSearchAttributes.get(LifecycleOperation)).toBe('update-configuration');
    expect(description.typedSearchAttributes.get(OrchestratorConfigurationId)).toBe(configurationId);
    expect(description.typedSearchAttributes.get(ProvisioningStep)).toBe('completed');
    expect(await currentDetailsOf(workflow)).toContain(`Updating configuration ${configurationId}`);
    expect(await description.staticSummary()).toContain(configurationId);
    // Every activity call carries its Web UI summary.
    const events = (await workflow.fetchHistory()).events ?? [];
    console.log(`one update: ${events.length} history events`);
    // 41 when measured: the start, four activities, one poll wait, the upserts and the idle timer.
    expect(events.length).toBeLessThanOrEqual(50);
    const history = readableHistory(await workflow.fetchHistory());
    expect(history).toContain(`read configuration ${configurationId}`);
    expect(history).toContain(`replace configuration ${configurationId} at version 1`);
    expect(history).toContain('idle: ends after 1m without an update');
  });
});

test('a patch that changes nothing completes without a PUT', async () => {
  await withConfiguration({}, async ({ configurationId, update, requests }) => {
    const handle = await update({
      patch: { description: 'made outside the workflow', conversationGroupingType: 'GROUP_BY_PROFILE' },
    });
    const result = await handle.result();

    expect(result).toMatchObject({ configurationId, applied: false, changes: [], version: 1, tries: 1 });
    expect(result.steps['read-configuration']?.status).toBe('done');
    for (const step of ['send-update', 'await-update', 'verify-update'] as const)
      expect(result.steps[step]?.status).toBe('skipped');
    expect(requests()[PUT]).toBeUndefined();
    expect(requests()[GET]).toBe(1);
  });
});

test('a 409 (changed between read and PUT) reads again, re-applies the patch and succeeds; neither change is lost', async () => {
  let outsideChanges = 0;
  await withConfiguration(
    {
      interceptApi: (api, configurationId) =>
        withApiOverrides(api, 'configurations', {
          update: async (...args) => {
            if (outsideChanges === 0) {
              outsideChanges += 1;
              await changeOutside(api, configurationId(), 'changed by someone else');
            }
            return api.configurations.update(...args);
          },
        }),
    },
    async ({ rig, configurationId, update, requests }) => {
      const result = await (await update({ patch: { memoryExtractionEnabled: true } })).result();

      expect(result).toMatchObject({ applied: true, tries: 2, previousVersion: 2, version: 3 });
      expect(result.changes).toEqual([{ field: 'memoryExtractionEnabled', before: false, after: true }]);
      expect(await rig.api.configurations.get(configurationId)).toMatchObject({
        description: 'changed by someone else',
        memoryExtractionEnabled: true,
        version: 3,
      });
      // The outside change's PUT, ours refused (409), ours again.
      expect(requests()[PUT]).toBe(3);
    },
  );
});

test('a conflict on every try fails at the bound with VersionConflict naming the version sent and the current one', async () => {
  await withConfiguration(
    {
      interceptApi: (api, configurationId) =>
        withApiOverrides(api, 'configurations', {
          update: async (...args) => {
            await changeOutside(api, configurationId(), `outside change ${randomUUID().slice(0, 4)}`);
            return api.configurations.update(...args);
          },
        }),
    },
    async ({ rig, configurationId, update, requests }) => {
      const handle = await update({ patch: { memoryExtractionEnabled: true }, maxTries: 2 });
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );

      const failure = updateFailureOf(error);
      expect(failure.type).toBe('VersionConflict');
      expect(failure.nonRetryable).toBe(true);
      // Try 1 read version 1 (the outside change made 2); try 2 read 2 (the outside change made 3).
      expect(failure.details).toEqual([{ configurationId, sentVersion: 2, currentVersion: 3, tries: 2 }]);
      expect(failure.message).toContain('sent version 2, the configuration is now at version 3');
      expect(await rig.api.configurations.get(configurationId)).toMatchObject({
        memoryExtractionEnabled: false,
        version: 3,
      });
      expect(requests()[PUT]).toBe(4);
      const status = await handle.status();
      expect(status.state).toBe('failed');
    },
  );
});

test('two updates started at the same moment are both applied, one after the other', async () => {
  await withConfiguration({}, async ({ rig, configurationId, update, requests }) => {
    const [first, second] = await Promise.all([
      update({ patch: { description: 'Night shift' } }),
      update({ patch: { memoryExtractionEnabled: true } }),
    ]);
    expect(first.workflowId).toBe(second.workflowId);
    expect(first.runId).toBe(second.runId);
    const results = await Promise.all([first.result(), second.result()]);

    // Serialized: neither met the other's change as a conflict, and each read the other's version.
    expect(results.map((r) => r.tries)).toEqual([1, 1]);
    expect(results.map((r) => r.version).sort()).toEqual([2, 3]);
    expect(await rig.api.configurations.get(configurationId)).toMatchObject({
      description: 'Night shift',
      memoryExtractionEnabled: true,
      version: 3,
    });
    expect(requests()[PUT]).toBe(2);

    // Idle past its timeout, the workflow ends, reporting both; its history replays.
    const workflow = bed.env.client.workflow.getHandle<typeof configurationUpdates>(first.workflowId);
    expect(await workflow.result()).toEqual({ configurationId, completed: 2, failed: 0 });
    const history = await workflow.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: bed.workflowBundle }, history, first.workflowId);
  });
});

test('the same request twice is one update, applied once', async () => {
  await withConfiguration({}, async ({ configurationId, update, requests }) => {
    const patch = { description: 'Weekend line' };
    const first = await update({ patch });
    const again = await update({ patch });
    expect(again.updateId).toBe(first.updateId);
    expect(await again.result()).toEqual(await first.result());

    // A caller's requestId names the request instead of its content.
    const named = await update({ patch: { memoryExtractionEnabled: true }, requestId: 'ticket-42' });
    const namedAgain = await update({ patch: { memoryExtractionEnabled: true }, requestId: 'ticket-42' });
    expect(named.updateId).toBe('request:ticket-42');
    expect(namedAgain.updateId).toBe(named.updateId);
    await namedAgain.result();
    expect(requests()[PUT]).toBe(2);
    expect((await first.result()).configurationId).toBe(configurationId);
  });
});

test('a lost response to the PUT: the retry replays its Idempotency-Key and the update is applied once', async () => {
  await withConfiguration(
    { faults: [{ kind: 'accept-then-drop', match: { method: 'PUT' }, times: 1 }] },
    async ({ rig, configurationId, update, requests }) => {
      const operationsBefore = rig.emulator.summary().operations.total;
      const result = await (await update({ patch: { description: 'After a dropped response' } })).result();

      expect(result).toMatchObject({ applied: true, tries: 1, previousVersion: 1, version: 2 });
      // Two PUTs reached the emulator, one operation was made: the second was a replay.
      expect(requests()[PUT]).toBe(2);
      expect(rig.emulator.summary().operations.total - operationsBefore).toBe(1);
      expect(await rig.api.configurations.get(configurationId)).toMatchObject({
        description: 'After a dropped response',
        version: 2,
      });
    },
  );
});

test('a FAILED update operation fails the update with its error; the configuration is unchanged', async () => {
  const error = { title: 'Update refused', detail: 'Configuration locked', code: 520098 };
  await withConfiguration(
    { faults: [{ kind: 'operation-fails', match: { method: 'PUT' }, error, times: 1 }] },
    async ({ rig, configurationId, update }) => {
      const handle = await update({ patch: { description: 'Never applied' } });
      const failure = updateFailureOf(await handle.result().catch((err: unknown) => err));

      expect(failure.type).toBe('OperationFailed');
      expect(failure.message).toContain('Update refused: Configuration locked');
      expect(await rig.api.configurations.get(configurationId)).toMatchObject({
        description: 'made outside the workflow',
        version: 1,
      });
      const status = await handle.status();
      expect(status).toMatchObject({ state: 'failed', progress: { step: 'failed' } });
      if (status.state !== 'failed') throw new Error('unreachable');
      expect(status.progress.steps['await-update']?.status).toBe('failed');

      // The workflow goes on: the next update is applied.
      const next = await (await update({ patch: { description: 'Applied later' } })).result();
      expect(next).toMatchObject({ applied: true, previousVersion: 1, version: 2 });
    },
  );
});

test('a bad patch is refused before anything starts, and by the workflow before it is accepted', async () => {
  await withConfiguration({}, async ({ configurationId, update, requests }) => {
    await expect(update({ patch: { memoryStoreId: 'mem_store_x' } as never })).rejects.toThrow(
      InvalidUpdateRequestError,
    );
    await expect(update({ patch: { colour: 'blue' } as never })).rejects.toThrow(
      /patch\.colour: is not a configuration field; fields a patch may set: displayName, description/,
    );
    await expect(update({ patch: {} })).rejects.toThrow(/patch: sets no field/);
    await expect(
      updateConfiguration(
        bed.env.client,
        { configurationId, patch: { description: 'x' } },
        { idleTimeoutMs: 10 },
      ),
    ).rejects.toThrow('idleTimeoutMs: must be at least 1000 (one second)');
    await expect(
      bed.env.client.workflow.getHandle(configurationUpdatesWorkflowId(configurationId)).describe(),
    ).rejects.toThrow(WorkflowNotFoundError);

    // A caller bypassing the library meets the workflow's validator: nothing is queued or applied.
    const started = await update({ patch: { description: 'Valid' } });
    const workflow = bed.env.client.workflow.getHandle(started.workflowId);
    const refusal = (request: UpdateRequest) =>
      workflow.executeUpdate(applyPatchUpdate, { args: [request] }).then(
        () => 'accepted',
        (err: unknown) => (err instanceof WorkflowUpdateFailedError ? String(err.cause?.message) : err),
      );
    expect(await refusal({ configurationId, patch: { version: 7 } as never })).toMatch(
      /^Invalid configuration update: patch\.version: is read-only/,
    );
    expect(
      await refusal({ configurationId: 'conv_configuration_other', patch: { description: 'x' } }),
    ).toMatch(
      /^configurationId: this workflow updates conv_configuration_\w+, not conv_configuration_other$/,
    );
    expect((await started.result()).applied).toBe(true);
    expect(requests()[PUT]).toBe(1);
  });
});

test('an operation that COMPLETED while a read does not show the change fails the update as UpdateNotApplied', async () => {
  let reads = 0;
  let firstRead: Configuration | undefined;
  await withConfiguration(
    {
      // The verifying read answers what the first read did, as a lagging replica would.
      interceptApi: (api) =>
        withApiOverrides(api, 'configurations', {
          get: async (...args) => {
            reads += 1;
            const read = await api.configurations.get(...args);
            firstRead ??= read;
            return reads === 2 ? firstRead : read;
          },
        }),
    },
    async ({ configurationId, update }) => {
      const handle = await update({ patch: { description: 'Not seen', displayName: 'Nights' } });
      const failure = updateFailureOf(await handle.result().catch((err: unknown) => err));

      expect(failure.type).toBe('UpdateNotApplied');
      expect(failure.details).toEqual([
        { configurationId, fields: ['displayName', 'description'], sentVersion: 1, readVersion: 1 },
      ]);
      expect(failure.message).toContain('does not show displayName, description as sent');
    },
  );
});
