// A team's backend code using the installed package: a worker of its own, a provisioning
// started and followed through the client library, against the package's emulator. It
// requires only the package's public entries (and the Temporal SDK the team installs itself).
'use strict';

const { Client, Connection } = require('@temporalio/client');
const { NativeConnection } = require('@temporalio/worker');
const { awaitProvisioning, getProgress, startProvisioning } = require('orchestrator-temporal');
const { OrchestratorClient } = require('orchestrator-temporal/api');
const { startEmulator } = require('orchestrator-temporal/emulator');
const { createWorker } = require('orchestrator-temporal/worker');

const address = process.env.TEMPORAL_ADDRESS;
const taskQueue = process.env.TASK_QUEUE;

const input = {
  provisioningId: 'from-the-package',
  memoryStore: { displayName: 'package-store' },
  configuration: { displayName: 'Package config', description: 'Provisioned from the packed tarball' },
  conversation: {
    name: 'package-conversation',
    participants: [{ type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] }],
  },
  message: {
    from: { address: '+15551239999', channel: 'SMS' },
    to: [{ address: '+15551230001', channel: 'SMS' }],
    text: 'Hello from the package',
  },
  polling: { initialIntervalMs: 100, maxIntervalMs: 300, jitterRatio: 0, operationDeadlineMs: 60000 },
};

async function main() {
  const emulator = await startEmulator({
    operationLatency: { ms: 300 },
    actionLatency: { ms: 200 },
    retryAfterSeconds: 0,
  });
  const api = new OrchestratorClient({
    credentials: emulator.credentials,
    conversationsBaseUrl: emulator.url,
    memoryBaseUrl: emulator.url,
  });
  const workerConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const worker = await createWorker({ connection: workerConnection, taskQueue, api });
    const client = new Client({ connection });
    const outcome = await worker.runUntil(async () => {
      const handle = await startProvisioning(client, input, { taskQueue });
      const progress = await getProgress(handle);
      return {
        workflowId: handle.workflowId,
        firstStep: progress.step,
        result: await awaitProvisioning(handle),
      };
    });
    console.log(JSON.stringify({ ...outcome, emulator: emulator.summary() }));
  } finally {
    await connection.close();
    await workerConnection.close();
    await api.close();
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
