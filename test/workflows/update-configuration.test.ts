/**
 * Configuration updates on the time-skipping server against the emulator over real sockets:
 * each test provisions a store and a configuration straight through the API, then updates it
 * through the library (`updateConfiguration`, update-with-start) and audits the emulator.
 */
import { randomUUID } from 'node:crypto';
import type { OrchestratorApi } from '../../src/api';
import type { EmulatorStateSummary } from '../../src/emulator';
import { updateConfiguration, type ConfigurationUpdateHandle } from '../../src/lifecycle/update';
import {
  configurationUpdatesWorkflowId,
  LifecycleOperation,
  OrchestratorConfigurationId,
  ProvisioningStep,
  UPDATE_STEPS,
} from '../../src/workflows/definitions';
import type { UpdateRequest } from '../../src/workflows/update-input';
import {
  createConfigurationDirectly,
  createStoreDirectly,
  currentDetailsOf,
  useTestBed,
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
  });
});
