/**
 * The benchmark's worker process (killed with SIGKILL mid-activity): the project's worker on a
 * workflow bundle the benchmark made (`WORKFLOW_BUNDLE`: as they are, or the baseline). Prints
 * `[worker] polling` once it polls.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { OrchestratorClient } from '../../src/api';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';
import { createWorker } from '../../src/worker';

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, EMULATOR_URL, WORKFLOW_BUNDLE } = process.env;
  const api = new OrchestratorClient({
    credentials: DEFAULT_EMULATOR_CREDENTIALS,
    conversationsBaseUrl: EMULATOR_URL!,
    memoryBaseUrl: EMULATOR_URL!,
  });
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS! });
  const worker = await createWorker({
    connection,
    taskQueue: TEMPORAL_TASK_QUEUE!,
    api,
    workflowBundle: { code: readFileSync(WORKFLOW_BUNDLE!, 'utf8') },
  });
  console.log('[worker] polling');
  await worker.run();
}

void main();
