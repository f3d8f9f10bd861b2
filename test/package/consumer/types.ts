// Type-checked against the installed package's declarations (never run): each public entry
// resolves through `exports` to its .d.ts, and the names a team uses carry their types.
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import {
  awaitProvisioning,
  startProvisioning,
  type ProvisionInput,
  type ProvisionProgress,
  type ProvisionResult,
} from 'orchestrator-temporal';
import { OrchestratorClient, type OrchestratorApi } from 'orchestrator-temporal/api';
import { startEmulator, type RunningEmulator } from 'orchestrator-temporal/emulator';
import {
  createActivities,
  createWorker,
  workerTuningFromEnv,
  workflowsPath,
  type ProvisioningWorkerOptions,
} from 'orchestrator-temporal/worker';
import { provisionOrchestrator } from 'orchestrator-temporal/workflows';

export async function provisionWithTypes(
  connection: NativeConnection,
  client: Client,
  input: ProvisionInput,
): Promise<{ result: ProvisionResult; step: ProvisionProgress['step'] }> {
  const emulator: RunningEmulator = await startEmulator();
  const api: OrchestratorApi = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const options: ProvisioningWorkerOptions = { connection, api, tuning: workerTuningFromEnv() };
  const worker = await createWorker(options);
  const activityNames: string[] = Object.keys(createActivities(api));
  const path: string = workflowsPath;
  const workflowName: string = provisionOrchestrator.name;
  void [activityNames, path, workflowName, worker];
  const handle = await startProvisioning(client, input);
  return { result: await awaitProvisioning(handle), step: 'create-memory-store' };
}
