/**
 * `npm start` turns on metrics and tracing from the same variables as the worker, through the
 * same functions: with `TEMPORAL_METRICS_PROMETHEUS_ADDRESS` its process serves the runtime's
 * and the toolkit's metrics, and with `OTEL_EXPORTER_OTLP_ENDPOINT` its provisioning is one
 * trace, sent over OTLP/HTTP to a collector the test runs. The batch delay is set far beyond
 * the test, so the spans arrive only if `npm start` flushes them as it exits.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runScript, stopRunningScripts } from '../cli/processes';
import { DEFAULT_TASK_QUEUE } from '../../src/workflows/definitions';
import { freePort, scrapeUntil, sum } from './prometheus';

jest.setTimeout(240_000);

afterEach(stopRunningScripts);

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

/** An OTLP/HTTP (JSON) trace collector on loopback: keeps what it is sent. */
async function startCollector(): Promise<{ server: Server; url: string; exports: OtlpExport[] }> {
  const exports: OtlpExport[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // One provisioning's spans are a few hundred kilobytes at most.
      if (size > 16 * 1024 * 1024) request.destroy();
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, exports };
}

test('npm start serves /metrics and sends one trace per provisioning, flushed as it exits', async () => {
  const collector = await startCollector();
  try {
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const run = runScript(
      'src/cli/start.ts',
      ['--keep-running'],
      cleanEnv({
        ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'npm-start-telemetry-')),
        TEMPORAL_METRICS_PROMETHEUS_ADDRESS: metricsAddress,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_SERVICE_NAME: 'npm-start-telemetry-test',
        OTEL_BSP_SCHEDULE_DELAY: '3600000',
      }),
    );
    await run.stderrContains('Ctrl-C stops it');

    // The outcome leaves through a sink after the run's last activation.
    const metrics = await scrapeUntil(`http://${metricsAddress}/metrics`, (text) =>
      text.includes('outcome="completed"'),
    );
    const ours = { taskQueue: DEFAULT_TASK_QUEUE };
    expect(
      sum(metrics, 'orchestrator_workflow_outcomes_total', {
        ...ours,
        workflowType: 'provisionOrchestrator',
        outcome: 'completed',
      }),
    ).toBe(1);
    expect(sum(metrics, 'orchestrator_messages_sent_total', ours)).toBe(1);
    for (const host of ['memory', 'conversations']) {
      expect(sum(metrics, 'orchestrator_operation_polls_total', { ...ours, host, status: 'COMPLETED' })).toBe(
        1,
      );
    }
    expect(sum(metrics, 'temporal_workflow_completed_total', { task_queue: DEFAULT_TASK_QUEUE })).toBe(1);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    const resources = collector.exports.flatMap((batch) => batch.resourceSpans);
    expect(resources.length).toBeGreaterThan(0);
    for (const { resource } of resources) {
      expect(resource.attributes).toContainEqual({
        key: 'service.name',
        value: { stringValue: 'npm-start-telemetry-test' },
      });
    }
    const spans = resources.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    const [start, ...otherStarts] = spans.filter(
      (span) => span.name === 'StartWorkflow:provisionOrchestrator',
    );
    expect(start).toBeDefined();
    expect(otherStarts).toEqual([]);
    const trace = spans.filter((span) => span.traceId === start!.traceId);
    const runSpan = trace.find((span) => span.name === 'RunWorkflow:provisionOrchestrator');
    expect(runSpan?.parentSpanId).toBe(start!.spanId);
    const createStore = trace.find((span) => span.name === 'RunActivity:createMemoryStore');
    expect(createStore).toBeDefined();
    const storeRequest = trace.find((span) => span.name === 'POST /v1/ControlPlane/Stores');
    expect(storeRequest?.parentSpanId).toBe(createStore!.spanId);
    expect(trace.map((span) => span.name)).toEqual(
      expect.arrayContaining(['RunActivity:createConfiguration', 'RunActivity:sendMessage']),
    );
  } finally {
    await new Promise((resolve) => collector.server.close(resolve));
  }
});

test('a bad TEMPORAL_METRICS_PROMETHEUS_ADDRESS: exit 2, one line naming the variable and the rule', async () => {
  const run = runScript(
    'src/cli/start.ts',
    [],
    cleanEnv({
      ORCHESTRATOR_STATE_DIR: mkdtempSync(join(tmpdir(), 'npm-start-telemetry-')),
      TEMPORAL_METRICS_PROMETHEUS_ADDRESS: '9464',
    }),
  );
  expect(await run.exited).toBe(2);
  const lines = run
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines).toEqual([
    expect.stringMatching(
      /TEMPORAL_METRICS_PROMETHEUS_ADDRESS must be host:port with a port from 1 to 65535/,
    ),
  ]);
});
