import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONCURRENT_REQUESTS_HEADER } from './account-limit';
import type { BasicAuth } from './auth';
import type { EmulatorCore } from './core';
import { EmulatorHttpError, TWILIO_ERROR_CODES, badRequest, notFound } from './errors';
import type { FaultAction } from './faults';
import { ADMIN_PREFIX } from './routes/admin';
import type { ApiReply, ApiRequest, RouteMatch, Router } from './router';

export interface ServerParts {
  core: EmulatorCore;
  auth: BasicAuth;
  api: Router;
  admin: Router;
  /** The emulator's own URL, for requests without a Host header. */
  url: () => string;
}

const STATUS_FAULT_CODES = {
  429: TWILIO_ERROR_CODES.tooManyRequests,
  500: TWILIO_ERROR_CODES.internal,
  503: TWILIO_ERROR_CODES.unavailable,
} as const;

/**
 * A request whose connection a fault destroyed instead of answering: `reset` before the handler
 * ran (nothing applied), `accept-then-drop` after it (applied, the client never hears).
 */
type Dropped = 'reset, not applied' | 'dropped after applying';

/**
 * The request pipeline: route -> count -> auth -> account limit -> body -> fault -> settle due
 * work -> handler -> response. Handlers are synchronous over in-memory state, so a request is
 * applied atomically. With `logRequests`, each request is one stderr line: `METHOD url -> status
 * (ms)`, where status is the HTTP status sent, or what a fault did instead of answering.
 */
export function createRequestListener(
  parts: ServerParts,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = parts.core.options.logRequests ? performance.now() : 0;
    let dropped: Dropped | undefined;
    handle(parts, req, res)
      .then((outcome) => {
        if (outcome) dropped = outcome;
      })
      .catch((error: unknown) => {
        process.stderr.write(`orchestrator emulator: internal error: ${String(error)}\n`);
        const reply = errorReply(
          new EmulatorHttpError(500, TWILIO_ERROR_CODES.internal, 'Internal emulator error'),
        );
        if (!res.headersSent && !res.destroyed) send(res, reply);
      })
      .finally(() => {
        if (parts.core.options.logRequests) {
          const status = dropped ?? (res.headersSent ? String(res.statusCode) : 'dropped');
          const ms = (performance.now() - started).toFixed(1);
          process.stderr.write(`${req.method} ${req.url} -> ${status} (${ms} ms)\n`);
        }
      });
  };
}

async function handle(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Dropped | void> {
  const { core } = parts;
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);

  if (path.startsWith(ADMIN_PREFIX)) {
    const match = parts.admin.match(method, path);
    if (!match) return send(res, errorReply(notFound(`No admin endpoint ${method} ${path}`)));
    let request: ApiRequest;
    try {
      request = await buildRequest(parts, req, match, path, rawUrl, queryStart);
    } catch (error) {
      return send(res, errorReply(error));
    }
    return send(res, runHandler(match, request));
  }

  let match: RouteMatch | undefined;
  try {
    match = parts.api.match(method, path);
  } catch (error) {
    return send(res, errorReply(error));
  }
  if (!match) {
    const status = parts.api.hasPath(path) ? 405 : 404;
    const message = status === 405 ? `Method ${method} not allowed on ${path}` : `No resource at ${path}`;
    return send(res, errorReply(new EmulatorHttpError(status, status === 405 ? 20004 : 20404, message)));
  }
  const countKey = `${method} ${match.route.template}`;
  core.requestCounts.set(countKey, (core.requestCounts.get(countKey) ?? 0) + 1);

  if (!parts.auth.isAuthorized(req.headers.authorization)) {
    const reply = errorReply(
      new EmulatorHttpError(
        401,
        TWILIO_ERROR_CODES.unauthorized,
        'Authenticate: HTTP Basic credentials are missing or wrong',
        {
          'WWW-Authenticate': 'Basic realm="Twilio API"',
        },
      ),
    );
    return send(res, reply);
  }

  // In flight from here until answered (or dropped); past the account's limit, a 429 instead.
  const admission = core.accountLimiter.admit(core.options.accountLimit, performance.now());
  if (!admission.admitted) return send(res, errorReply(admission.refusal));
  res.once('close', admission.release);
  if (core.options.accountLimit) res.setHeader(CONCURRENT_REQUESTS_HEADER, String(admission.inFlight));

  let request: ApiRequest;
  try {
    request = await buildRequest(parts, req, match, path, rawUrl, queryStart);
  } catch (error) {
    return send(res, errorReply(error));
  }

  const fault =
    core.faults.size === 0 ? undefined : core.faults.pick(method, path, match.route.createsWork === true);
  // Served once picked, except a work fault (counted when its work is created) and a
  // retry-after-date (counted only when the response has a Retry-After to rewrite).
  if (fault && fault.kind !== 'work' && fault.kind !== 'retry-after-date') core.faults.recordServed(fault);
  if (fault?.kind === 'latency') await sleep(fault.ms);
  if (fault?.kind === 'status') return send(res, statusFaultReply(core, fault));
  if (fault?.kind === 'reset') return dropConnection(req, 'reset, not applied');
  if (fault?.kind === 'work') request.workFault = fault.fault;

  core.scheduler.runDue(core.clock.now());
  const reply = runHandler(match, request);
  if (fault?.kind === 'accept-then-drop') return dropConnection(req, 'dropped after applying');
  if (fault?.kind === 'retry-after-date' && reply.headers?.['Retry-After'] !== undefined) {
    core.faults.recordServed(fault);
    // A copy: an idempotent replay hands out the remembered reply object itself.
    return send(res, { ...reply, headers: { ...reply.headers, ...retryAfterDateHeaders(fault.seconds) } });
  }
  send(res, reply);
}

function dropConnection(req: IncomingMessage, outcome: Dropped): Dropped {
  req.socket.destroy();
  return outcome;
}

async function buildRequest(
  parts: ServerParts,
  req: IncomingMessage,
  match: RouteMatch,
  path: string,
  rawUrl: string,
  queryStart: number,
): Promise<ApiRequest> {
  const host = req.headers.host;
  return {
    method: req.method ?? 'GET',
    path,
    params: match.params,
    query: new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1)),
    headers: req.headers,
    body: await readJsonBody(req),
    baseUrl: host ? `http://${host}` : parts.url(),
  };
}

function runHandler(match: RouteMatch, request: ApiRequest): ApiReply {
  try {
    return match.route.handler(request);
  } catch (error) {
    return errorReply(error);
  }
}

/** The JSON body, undefined when there is none; a body that is not JSON is a 400. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('body: not valid JSON (send Content-Type: application/json)');
  }
}

function statusFaultReply(core: EmulatorCore, fault: Extract<FaultAction, { kind: 'status' }>): ApiReply {
  const reply = errorReply(
    new EmulatorHttpError(
      fault.status,
      STATUS_FAULT_CODES[fault.status],
      `Injected fault: HTTP ${fault.status}`,
    ),
  );
  const seconds = typeof fault.retryAfter === 'number' ? fault.retryAfter : core.options.retryAfterSeconds;
  if (fault.retryAfter === 'http-date') Object.assign(reply.headers!, retryAfterDateHeaders(seconds));
  else if (fault.retryAfter !== undefined || fault.status !== 500)
    reply.headers!['Retry-After'] = String(seconds);
  return reply;
}

/** `Retry-After` as an HTTP-date, with a `Date` header from the same instant so the delay is exact. */
function retryAfterDateHeaders(seconds: number): Record<string, string> {
  const now = Date.now();
  return {
    Date: new Date(now).toUTCString(),
    'Retry-After': new Date(now + seconds * 1000).toUTCString(),
  };
}

function errorReply(error: unknown): ApiReply {
  if (error instanceof URIError) error = badRequest('path: malformed percent-encoding');
  if (!(error instanceof EmulatorHttpError)) throw error;
  return { status: error.status, body: error.toBody(), headers: { ...error.headers } };
}

function send(res: ServerResponse, reply: ApiReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
