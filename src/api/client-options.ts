import type { Credentials } from './transport';

export type { Credentials } from './transport';

export const DEFAULT_CONVERSATIONS_BASE_URL = 'https://conversations.twilio.com';
export const DEFAULT_MEMORY_BASE_URL = 'https://memory.twilio.com';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;
export const DEFAULT_MAX_PAGES = 1_000;

/** Largest delay Node's timers honour; above it `setTimeout` fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A cap above this would let one response hold hundreds of megabytes: not a cap. */
const MAX_RESPONSE_BYTES_LIMIT = 256 * 1_048_576;
/** The largest `maxPages` accepted, so even a raised cap still ends a listing. */
const MAX_PAGES_LIMIT = 1_000_000;

export interface OrchestratorClientOptions {
  /**
   * HTTP Basic credentials: `{ accountSid, authToken }`, or `{ accountSid, apiKey, apiSecret }`
   * (an API key SID and its secret; preferred in production). Never logged or put in errors.
   */
  credentials: Credentials;
  /**
   * Origin of the Conversations v2 host (configurations, conversations, actions, operations).
   * An origin only: no path, query or credentials.
   * @default 'https://conversations.twilio.com'
   */
  conversationsBaseUrl?: string;
  /**
   * Origin of the Memory v1 host (stores and their operations). May equal
   * `conversationsBaseUrl` (the emulator serves both); the two then share one connection pool.
   * @default 'https://memory.twilio.com'
   */
  memoryBaseUrl?: string;
  /**
   * Per-request timeout in ms, from sending the request to reading the last body byte (a body
   * that trickles in forever ends with it). Each method's `timeoutMs` option overrides it.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Largest response body read, in bytes. A 2xx body over it (by `Content-Length`, or counted as
   * it arrives) is a `ResponseTooLargeError` and the rest is never read. Of an error response
   * (non-2xx) only the first 64 KiB at most are read: its status says what it means.
   * @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number;
  /**
   * Most pages one listing follows; the page after it is a `PaginationError` instead of a
   * request. A page token seen before in the same listing is a `PaginationError` too.
   * @default 1000
   */
  maxPages?: number;
}

/** Options with every default applied and every field checked. */
export interface ResolvedClientOptions {
  credentials: Credentials;
  conversationsBaseUrl: URL;
  memoryBaseUrl: URL;
  timeoutMs: number;
  maxResponseBytes: number;
  maxPages: number;
}

/**
 * Applies the defaults and checks every field; throws a `TypeError` naming each bad field and
 * its rule (never its value: a value may be a secret).
 */
export function resolveClientOptions(options: OrchestratorClientOptions): ResolvedClientOptions {
  const problems: string[] = [];
  const credentials = checkCredentials(options?.credentials, problems);
  const conversationsBaseUrl = checkOrigin(
    'conversationsBaseUrl',
    options?.conversationsBaseUrl ?? DEFAULT_CONVERSATIONS_BASE_URL,
    problems,
  );
  const memoryBaseUrl = checkOrigin(
    'memoryBaseUrl',
    options?.memoryBaseUrl ?? DEFAULT_MEMORY_BASE_URL,
    problems,
  );
  const timeoutMs = checkInteger(
    'timeoutMs',
    options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    1,
    MAX_TIMER_MS,
    problems,
  );
  const maxResponseBytes = checkInteger(
    'maxResponseBytes',
    options?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    1,
    MAX_RESPONSE_BYTES_LIMIT,
    problems,
  );
  const maxPages = checkInteger(
    'maxPages',
    options?.maxPages ?? DEFAULT_MAX_PAGES,
    1,
    MAX_PAGES_LIMIT,
    problems,
  );
  if (problems.length > 0 || credentials === undefined || !conversationsBaseUrl || !memoryBaseUrl) {
    throw new TypeError(`Invalid OrchestratorClient options: ${problems.join('; ')}`);
  }
  return { credentials, conversationsBaseUrl, memoryBaseUrl, timeoutMs, maxResponseBytes, maxPages };
}

function checkInteger(field: string, value: unknown, min: number, max: number, problems: string[]): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    problems.push(`${field}: must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

function checkCredentials(value: unknown, problems: string[]): Credentials | undefined {
  if (typeof value !== 'object' || value === null) {
    problems.push('credentials: required, { accountSid, authToken } or { accountSid, apiKey, apiSecret }');
    return undefined;
  }
  const fields = value as Record<string, unknown>;
  const before = problems.length;
  const text = (name: string, isUser = false) => {
    const field = fields[name];
    if (typeof field !== 'string' || field === '')
      problems.push(`credentials.${name}: must be a non-empty string`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(field))
      problems.push(`credentials.${name}: must not contain control characters`);
    else if (isUser && field.includes(':'))
      problems.push(`credentials.${name}: must not contain ':' (HTTP Basic user)`);
    return field as string;
  };

  const accountSid = text('accountSid', true);
  if (fields.apiKey !== undefined || fields.apiSecret !== undefined) {
    const apiKey = text('apiKey', true);
    const apiSecret = text('apiSecret');
    return problems.length === before ? { accountSid, apiKey, apiSecret } : undefined;
  }
  if (fields.authToken === undefined) {
    problems.push('credentials: needs authToken, or apiKey and apiSecret');
    return undefined;
  }
  const authToken = text('authToken');
  return problems.length === before ? { accountSid, authToken } : undefined;
}

function checkOrigin(field: string, value: unknown, problems: string[]): URL | undefined {
  const rule = `${field}: must be an http(s) origin such as ${DEFAULT_CONVERSATIONS_BASE_URL}, without path, query or credentials`;
  if (typeof value !== 'string' || !URL.canParse(value)) {
    problems.push(rule);
    return undefined;
  }
  const url = new URL(value);
  const isOrigin =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  if (!isOrigin) problems.push(rule);
  return isOrigin ? url : undefined;
}
