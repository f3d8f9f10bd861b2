/**
 * The remote codec endpoint of the Web UI and the Temporal CLI (Temporal's codec server
 * protocol): `POST …/encode` and `POST …/decode` take and return `{"payloads": [Payload, ...]}`,
 * payloads in protobuf JSON (metadata values and data in base64). Only the last path segment
 * picks the endpoint, as the protocol asks, so the endpoint can live under any prefix.
 *
 * Who may call it:
 * - a caller presenting the shared token, as `Authorization: Bearer <token>` (the Temporal CLI's
 *   `--codec-auth`, scripts), or as the first path segment, `http://host:port/<token>/decode`:
 *   the Web UI sends no header of its own (it forwards only a signed-in user's OIDC access token),
 *   so it is given the endpoint URL with the token in its path;
 * - from a browser, only pages of the allowed origins (the Web UI's): CORS answers them alone,
 *   and a request from any other origin is refused even with the token.
 * Requests are refused with 401 without the token, 403 from another origin, 413 past the body
 * limit, 415 when not JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The shared secret callers present. At least 16 characters. */
  token: string;
  /** Origins whose pages may call (the Web UI's), e.g. `http://localhost:8233`. */
  allowedOrigins: readonly string[];
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** A larger request body is refused with 413. @default 8 MiB */
  maxBodyBytes?: number;
}

export interface RunningCodecServer {
  /** e.g. `http://127.0.0.1:8888`: with `Authorization: Bearer <token>`. */
  readonly url: string;
  /** The endpoint for the Web UI: `url` with the token as its first path segment. */
  readonly uiEndpoint: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const MIN_TOKEN_LENGTH = 16;

const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const PayloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});
type JsonPayload = z.infer<typeof PayloadsBody>['payloads'][number];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`the codec server's token must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  const allowedOrigins = new Set(options.allowedOrigins);
  const tokenDigest = sha256(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const presentsToken = (request: IncomingMessage, firstSegment: string | undefined) => {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return [bearer, firstSegment].some(
      (candidate) => candidate !== undefined && timingSafeEqual(sha256(candidate), tokenDigest),
    );
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!response.headersSent) sendJson(response, status, { error: message });
      else response.destroy();
    });
  });
  // Bounded: a client that stalls its headers or body is cut off.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!allowedOrigins.has(origin)) throw new HttpError(403, `origin ${origin} is not allowed`);
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Vary', 'Origin');
    }
    if (request.method === 'OPTIONS') {
      // A preflight carries no credentials: it learns what the real request may send.
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      response.setHeader('Access-Control-Max-Age', '600');
      if (request.headers['access-control-request-private-network'] === 'true') {
        response.setHeader('Access-Control-Allow-Private-Network', 'true');
      }
      response.writeHead(204).end();
      return;
    }
    const segments = new URL(request.url ?? '/', 'http://codec').pathname.split('/').filter(Boolean);
    const endpoint = segments.at(-1);
    if (endpoint !== 'encode' && endpoint !== 'decode') throw new HttpError(404, 'POST …/encode or …/decode');
    if (request.method !== 'POST') throw new HttpError(405, `${endpoint} takes POST`);
    if (!presentsToken(request, segments.length > 1 ? pathSegmentText(segments[0]!) : undefined)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'the codec server needs its token: Authorization: Bearer <token>');
    }
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'send Content-Type: application/json');
    }
    const body = PayloadsBody.safeParse(parseJson(await readBody(request, maxBodyBytes)));
    if (!body.success)
      throw new HttpError(400, 'the body must be {"payloads": [Payload, ...]} in protobuf JSON');
    const payloads = body.data.payloads.map(fromJson);
    let result: Payload[];
    try {
      result =
        endpoint === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (err) {
      // The codec's messages name key IDs, never data.
      throw new HttpError(400, `cannot ${endpoint}: ${err instanceof Error ? err.message : String(err)}`);
    }
    sendJson(response, 200, { payloads: result.map(toJson) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    url,
    uiEndpoint: `${url}/${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A path segment as text (`uiEndpoint` percent-encodes the token); undefined when malformed. */
function pathSegmentText(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw new HttpError(413, `the body is over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `the body is over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value ?? []).toString('base64'),
      ]),
    ),
    data: Buffer.from(data ?? []).toString('base64'),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
