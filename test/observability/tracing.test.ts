/**
 * One provisioning is one trace: the client's start span is the root, the workflow run its
 * child, each activity a grandchild (scheduled by the run, executed by the worker) and each HTTP
 * call the activity makes a child of the activity's execution. Spans go to an in-memory
 * exporter; the stack is a real dev server, the emulator over a socket and the project's worker.
 */
import type { Client } from '@temporalio/client';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { awaitProvisioning, startProvisioning } from '../../src/client';
import { startTracing, type Tracing } from '../../src/observability/tracing';
import { STACK_CREDENTIALS, startDevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { useResources } from '../setup/resources';
import { ONE_POLL_RATE_LIMITED } from './support';

jest.setTimeout(120_000);

const exporter = new InMemorySpanExporter();
const resources = useResources();
let tracing: Tracing;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  tracing = startTracing({ spanProcessor: new SimpleSpanProcessor(exporter), serviceName: 'tracing-test' });
  resources.add(() => tracing.shutdown());
  // The tracing starts first: the stack's client, workflows and worker are traced by it.
  const stack = await resources.start(
    startDevStack({ emulator: ONE_POLL_RATE_LIMITED, tracing }),
    (started) => started.stop(),
  );
  ({ client, taskQueue } = stack);
});

const parentOf = (span: ReadableSpan) => span.parentSpanId;
const named = (spans: ReadableSpan[], prefix: string) => spans.filter((span) => span.name.startsWith(prefix));

test('a provisioning is one trace: start → workflow run → each activity → each HTTP call', async () => {
  const input = wallClockInput();
  const handle = await startProvisioning(client, input, { taskQueue });
  await awaitProvisioning(handle);
  // Workflow spans leave through a sink after the activation that ends the run.
  await waitFor(() => named(exporter.getFinishedSpans(), 'RunWorkflow:').length > 0);
  const all = exporter.getFinishedSpans();

  const [start, ...otherStarts] = named(all, 'StartWorkflow:provisionOrchestrator');
  expect(start).toBeDefined();
  expect(otherStarts).toEqual([]);
  expect(parentOf(start!)).toBeUndefined();
  const traceId = start!.spanContext().traceId;
  // Apart from the describe startProvisioning makes after the start (the conflict check, a
  // client call of its own), every span is in the start's trace.
  const spans = all.filter((span) => span.spanContext().traceId === traceId);
  expect(all.filter((span) => !spans.includes(span)).map((span) => span.name)).toEqual(['DescribeWorkflow']);

  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const [run] = named(spans, 'RunWorkflow:provisionOrchestrator');
  expect(parentOf(run!)).toBe(start!.spanContext().spanId);

  const executions = named(spans, 'RunActivity:');
  const http = spans.filter((span) => span.attributes['http.request.method'] !== undefined);
  expect(executions.map((span) => span.name)).toEqual(
    expect.arrayContaining([
      'RunActivity:createMemoryStore',
      'RunActivity:getMemoryOperation',
      'RunActivity:createConfiguration',
      'RunActivity:createConversation',
      'RunActivity:sendMessage',
    ]),
  );
  for (const execution of executions) {
    const scheduled = byId.get(parentOf(execution)!);
    expect(scheduled?.name).toBe(execution.name.replace('RunActivity:', 'StartActivity:'));
    expect(parentOf(scheduled!)).toBe(run!.spanContext().spanId);
    // Every activity is at least one API call, each a child of the activity's execution.
    const calls = http.filter((span) => parentOf(span) === execution.spanContext().spanId);
    expect(calls.length).toBeGreaterThan(0);
  }
  const executionIds = new Set(executions.map((span) => span.spanContext().spanId));
  expect(http.filter((span) => !executionIds.has(parentOf(span)!)).map((span) => span.name)).toEqual([]);

  const createStore = http.find((span) => span.name === 'POST /v1/ControlPlane/Stores');
  expect(createStore?.attributes).toMatchObject({
    'http.request.method': 'POST',
    'url.template': '/v1/ControlPlane/Stores',
    'http.response.status_code': 202,
  });
  const limited = http.find((span) => span.attributes['http.response.status_code'] === 429);
  expect(limited?.name).toBe('GET /v1/ControlPlane/Operations/{operationId}');
  expect(limited?.attributes).toMatchObject({ 'twilio.error_code': 20429, 'error.type': 'RateLimitError' });

  // Nothing personal or secret in any span: no phone number, message text or credential, and
  // no filled path (the resource IDs stay out of the span names).
  const exported = JSON.stringify(
    spans.map((span) => [span.name, span.attributes, span.status, span.events]),
  );
  for (const text of [
    input.message.text,
    input.message.to[0]!.address,
    input.message.from.address,
    STACK_CREDENTIALS.authToken,
    STACK_CREDENTIALS.accountSid,
  ]) {
    expect(exported).not.toContain(text);
  }
  expect(http.every((span) => !/mem_store_|conv_/.test(span.name))).toBe(true);
  // Error messages (an API error's can quote the server's body) and stacks stay out; the
  // rate-limited attempt still records that it failed, and with what.
  const failedAttempt = executions.find((span) => span.events.some((event) => event.name === 'exception'));
  expect(failedAttempt?.name).toBe('RunActivity:getMemoryOperation');
  expect(failedAttempt?.events.map((event) => event.attributes)).toEqual([
    { 'exception.type': 'ApplicationFailure' },
  ]);
  expect(exported).not.toMatch(/exception\.(message|stacktrace)|Injected fault|"message"/);
  // The run's info the workflow span exporter copies onto workflow spans: IDs yes, memo no.
  expect(run!.attributes).toMatchObject({
    workflowId: handle.workflowId,
    workflowType: 'provisionOrchestrator',
  });
  expect(run!.attributes).not.toHaveProperty('memo');
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
}
