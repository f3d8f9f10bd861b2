/**
 * No response can make the client hang, hold memory or hide a refusal: bodies over the cap,
 * bodies that never end or trickle in, and enormous error bodies, from real servers over sockets.
 */
import type { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  BadRequestError,
  OrchestratorClient,
  RequestTimeoutError,
  ResponseTooLargeError,
  ServiceUnavailableError,
  type OrchestratorClientOptions,
} from '../../src/api';
import { failureOf } from './support/emulator';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';

const STORE_ID = 'mem_store_01kpttrksqe08rhv122gzq52ax';
const MiB = 1_048_576;

let server: ScriptedServer;
let client: OrchestratorClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = clientFor();
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function clientFor(options: Partial<OrchestratorClientOptions> = {}): OrchestratorClient {
  return new OrchestratorClient({
    credentials: { accountSid: 'AC' + '0'.repeat(32), authToken: 'token-value' },
    conversationsBaseUrl: server.url,
    memoryBaseUrl: server.url,
    ...options,
  });
}

/**
 * Writes `source` over and over, 64 KiB at a time, until `totalBytes` are sent or the client goes
 * away, honouring backpressure, so the bytes written are what the client took (plus what socket
 * buffers hold). Resolves with them once the response closes.
 */
function streamBody(response: ServerResponse, source: Buffer, totalBytes: number): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    response.on('close', () => resolve(written));
    const writeMore = () => {
      while (!response.destroyed && written < totalBytes) {
        const offset = written % source.length;
        const piece = source.subarray(offset, offset + Math.min(64 * 1024, totalBytes - written));
        written += piece.length;
        if (!response.write(piece)) return void response.once('drain', writeMore);
      }
      if (!response.destroyed) response.end();
    };
    writeMore();
  });
}

/** Serves a body of `totalBytes` (chunked, no Content-Length) and records what was sent. */
function serveEndlessBody(status: number, totalBytes: number, prefix = '{"id":"'): Promise<number> {
  return new Promise((resolve) => {
    server.handle((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.write(prefix);
      void streamBody(response, Buffer.alloc(64 * 1024, 'a'), totalBytes).then(resolve);
    });
  });
}

/** Heap and buffers in use after a full collection, so what a failed request left behind shows. */
function memoryAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('response size', () => {
  it('refuses a 2xx body whose Content-Length is over maxResponseBytes without reading it', async () => {
    const small = clientFor({ maxResponseBytes: 1_000 });
    try {
      const body = { id: STORE_ID, displayName: 'x'.repeat(5_000), status: 'ACTIVE' };
      server.handle((_request, response) => sendJson(response, 200, body));
      const error = await failureOf(small.memory.getStore(STORE_ID));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error).toMatchObject({ status: 200, retrySafety: 'never', method: 'GET' });
      expect(error.message).toBe(
        `GET /v1/ControlPlane/Stores/${STORE_ID} (HTTP 200) returned a body of ${JSON.stringify(body).length} bytes, ` +
          'over the 1000-byte limit; the rest was not read (raise the client option maxResponseBytes if such bodies are expected)',
      );

      // The same client still works: the refused connection was closed, not left half-read.
      server.handle((_request, response) =>
        sendJson(response, 200, { id: STORE_ID, displayName: 'x', status: 'ACTIVE' }),
      );
      expect((await small.memory.getStore(STORE_ID)).displayName).toBe('x');
    } finally {
      await small.close();
    }
  });

  it('refuses a chunked 202 that grows past the cap as possibly applied, and stops reading it', async () => {
    const small = clientFor({ maxResponseBytes: 64 * 1024 });
    try {
      const sent = serveEndlessBody(202, 100 * MiB, '{"statusUrl":"');
      const error = await failureOf(small.memory.createStore({ displayName: 'support' }));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error).toMatchObject({ status: 202, retrySafety: 'if-idempotent', method: 'POST' });
      expect(error.message).toContain('returned a body of more than the 65536-byte limit');
      // The server could only push what the sockets' buffers held before the client hung up.
      expect(await sent).toBeLessThan(16 * MiB);
    } finally {
      await small.close();
    }
  });

  it('refuses a 200 MB body at the default 1 MiB cap, and holds no memory after', async () => {
    const before = memoryAfterGc();
    const sent = serveEndlessBody(200, 200 * MiB);
    const error = await failureOf(client.memory.getStore(STORE_ID));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error.message).toContain('more than the 1048576-byte limit');
    expect(await sent).toBeLessThan(16 * MiB);
    expect(memoryAfterGc() - before).toBeLessThan(8 * MiB);
  });

  it('ends a body that trickles in forever at the request timeout', async () => {
    let closed = false;
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('close', () => (closed = true));
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failureOf(client.memory.getStore(STORE_ID, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error.message).toBe(`GET /v1/ControlPlane/Stores/${STORE_ID} failed: no response within 300 ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(true);
  });
});

describe('unknown fields', () => {
  it('never leave the client: a 100-level nested object and a 1 MB field are stripped from a poll', async () => {
    let nested: Record<string, unknown> = { leaf: true };
    for (let depth = 0; depth < 100; depth++) nested = { nested };
    server.handle((_request, response) =>
      sendJson(response, 200, {
        operationId: 'proc_job_01',
        status: 'FAILED',
        nested,
        padding: 'p'.repeat(1_000_000),
        error: { title: 'Failed', detail: 'd'.repeat(20_000), trace: nested },
      }),
    );
    const operation = await client.memory.getOperation('proc_job_01');
    expect(operation).toEqual({
      operationId: 'proc_job_01',
      status: 'FAILED',
      error: { title: 'Failed', detail: `${'d'.repeat(500)}… (20000 chars)` },
    });
    expect(JSON.stringify(operation).length).toBeLessThan(700);
  });
});

describe('unserializable fields', () => {
  it('never leave the client either: a 400,000-level nested array is stripped, the result serializes', async () => {
    const depth = 400_000;
    server.handle((_request, response) => {
      const text = `{"operationId":"proc_job_01","status":"PENDING","junk":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
      response.end(text);
    });
    const operation = await client.memory.getOperation('proc_job_01');
    // What Temporal's payload converter does with an activity result; the raw body would overflow the stack.
    expect(JSON.stringify(operation)).toBe('{"operationId":"proc_job_01","status":"PENDING"}');
  });
});

describe('error bodies', () => {
  it('keeps a 400 with a 10 MB error body a non-retryable BadRequestError, reading only its start', async () => {
    const huge = JSON.stringify({ code: 20001, message: 'x'.repeat(10 * MiB), status: 400 });
    let sent: Promise<number> = Promise.resolve(0);
    server.handle((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json', 'content-length': huge.length });
      sent = streamBody(response, Buffer.from(huge), huge.length);
    });
    const error = await failureOf(client.memory.createStore({ displayName: 'support' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, retrySafety: 'never' });
    expect(error.message).toMatch(
      /^POST \/v1\/ControlPlane\/Stores failed with HTTP 400: \{"code":20001,"message":"x+… \(rest of the error body not read\)$/,
    );
    expect(error.message.length).toBeLessThan(400);
    expect(await sent).toBeLessThan(huge.length / 2);
  });

  it('answers a 400 whose body trickles in forever as the BadRequestError it is, at the timeout', async () => {
    server.handle((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.write('{"code":20001,"message":"displayName: ');
      const timer = setInterval(() => response.write('x'), 20);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failureOf(client.memory.createStore({ displayName: 'support' }, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, retrySafety: 'never' });
    expect(error.message).toMatch(
      /HTTP 400: \{"code":20001,"message":"displayName: x*… \(rest of the error body not read\)$/,
    );
  });

  it('keeps a 503 with a huge body retryable after its Retry-After, even under a small cap', async () => {
    const small = clientFor({ maxResponseBytes: 100 });
    try {
      server.handle((_request, response) =>
        sendJson(response, 503, { code: 20503, message: 'y'.repeat(50_000) }, { 'retry-after': '7' }),
      );
      const error = await failureOf(small.memory.getStore(STORE_ID));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error).toMatchObject({ retrySafety: 'after-delay', retryAfterMs: 7_000 });
    } finally {
      await small.close();
    }
  });

  it('cuts a long error message to 500 characters, saying how long it was', async () => {
    server.handle((_request, response) =>
      sendJson(response, 400, {
        code: 20001,
        message: `displayName: ${'z'.repeat(5_000)}`,
        more_info: `https://www.twilio.com/docs/errors/20001?${'q'.repeat(5_000)}`,
      }),
    );
    const error = await failureOf(client.memory.createStore({ displayName: 'support' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 20001, retrySafety: 'never' });
    expect(error.message).toBe(
      `POST /v1/ControlPlane/Stores failed with HTTP 400 (Twilio error 20001): displayName: ${'z'.repeat(487)}… (5013 chars)`,
    );
    expect((error as BadRequestError).moreInfo).toHaveLength(500 + '… (5041 chars)'.length);
  });
});
