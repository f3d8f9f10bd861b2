import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

// Response bodies as the emulator sends them (only what tests read).
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}
export interface MemoryAccepted {
  message: string;
  statusUrl: string;
}
export interface ConversationsAccepted {
  statusUrl: string;
  related?: Record<string, string>;
}
export interface OperationBody {
  operationId: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  createdAt: string;
  completedAt?: string | null;
  statusUrl: string;
  result?: { type: string; id: string };
  related?: Record<string, string> | null;
  error?: { type?: string; title?: string; code?: number; status?: number; detail?: string } | null;
}
export interface StoreBody {
  id: string;
  displayName: string;
  description?: string;
  status: string;
  intelligenceServiceId: string | null;
  version: number;
}
export interface ListMeta {
  key: string;
  pageSize: number;
  nextToken?: string;
  previousToken?: string;
}
export interface StoreList {
  stores: string[];
  meta: ListMeta;
}
export interface ConfigurationBody {
  id: string;
  displayName: string;
  description: string;
  conversationGroupingType: string;
  memoryStoreId: string;
  statusCallbacks?: { url: string; method: string }[];
  memoryExtractionEnabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}
export interface ConfigurationList {
  configurations: ConfigurationBody[];
  meta: ListMeta;
}
export interface ParticipantBody {
  id: string;
  conversationId: string;
  name: string;
  type?: string;
  addresses: { channel: string; address: string }[];
}
export interface ConversationBody {
  id: string;
  accountId: string;
  configurationId: string;
  status: string;
  name: string | null;
  participants: ParticipantBody[];
}
export interface ConversationList {
  conversations: ConversationBody[];
  meta: ListMeta;
}
export interface ActionBody {
  id: string;
  type: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  conversationId: string;
  related: { messageSid?: string; communicationId?: string };
  failureReason?: string;
  completedAt?: string;
}
export interface CommunicationBody {
  id: string;
  conversationId: string;
  author: { address: string; channel: string; participantId?: string };
  content: { type: string; text: string };
  recipients: { address: string; channel: string; participantId?: string; deliveryStatus: string }[];
  channelId: string;
}
export interface CommunicationList {
  communications: CommunicationBody[];
  meta: ListMeta;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** `false` sends no Authorization header; a pair sends those credentials. */
  auth?: false | readonly [string, string];
}

/** A JSON client over real sockets (global fetch), independent of the project's API client. */
export interface TestApi {
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<Reply<T>>;
  get<T = unknown>(path: string): Promise<Reply<T>>;
  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** Reads an operation (or any URL on the emulator) by its absolute URL. */
  poll<T = OperationBody>(absoluteUrl: string): Promise<Reply<T>>;
}

export function apiFor(emulator: Pick<RunningEmulator, 'url' | 'credentials'>): TestApi {
  const call = async <T>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> => {
    const { accountSid, authToken } = emulator.credentials;
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth ?? [accountSid, authToken];
    if (auth) headers.authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(new URL(path, emulator.url), {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  };
  return {
    call,
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, { body, headers }),
    poll: <T>(absoluteUrl: string) => {
      expect(absoluteUrl.startsWith(`${emulator.url}/`)).toBe(true);
      return call<T>('GET', absoluteUrl.slice(emulator.url.length));
    },
  };
}

/** How fast operations and actions settle; `resetToDefaults` puts both back. */
export type Settling = Required<Pick<EmulatorOptions, 'operationLatency' | 'actionLatency'>>;

/** Settles immediately unless a test says otherwise. */
export const INSTANT: Settling = { operationLatency: { ms: 0 }, actionLatency: { ms: 0 } };

/**
 * Forgets every resource, operation, key and fault, and undoes whatever an earlier test changed
 * with `configure()`: `settling` for the latencies, the documented defaults for Retry-After, the
 * configuration ID switches and the listing delay, no account limit.
 * `reset()` alone keeps the options, so a test's `configure()` would leak into the next test.
 */
export function resetToDefaults(emulator: RunningEmulator, settling: Settling = INSTANT): void {
  emulator.reset();
  emulator.configure({
    ...settling,
    retryAfterSeconds: 1,
    configurationRelatedId: true,
    configurationResultId: false,
    listingDelayReads: 0,
    accountLimit: null,
  });
}

export async function start(
  options: EmulatorOptions = INSTANT,
): Promise<{ emulator: RunningEmulator; api: TestApi }> {
  const emulator = await startEmulator(options);
  return { emulator, api: apiFor(emulator) };
}

/**
 * One emulator for the whole test file: started (instant settling) before its first test, closed
 * after its last, and `resetToDefaults` before each test. The `emulator` and `api` returned stand
 * for it; use them inside hooks and tests, as they throw before it has started.
 */
export function useEmulator(): { emulator: RunningEmulator; api: TestApi } {
  let started: RunningEmulator | undefined;
  const current = (): RunningEmulator => {
    if (!started) throw new Error('useEmulator: the emulator starts in beforeAll; use it in hooks and tests');
    return started;
  };
  const emulator: RunningEmulator = {
    get url() {
      return current().url;
    },
    get credentials() {
      return current().credentials;
    },
    summary: () => current().summary(),
    addFault: (rule) => current().addFault(rule),
    clearFaults: () => current().clearFaults(),
    advanceClock: (ms) => current().advanceClock(ms),
    configure: (options) => current().configure(options),
    reset: () => current().reset(),
    close: () => current().close(),
  };
  beforeAll(async () => {
    started = await startEmulator(INSTANT);
  });
  afterAll(() => started?.close());
  beforeEach(() => resetToDefaults(emulator));
  return { emulator, api: apiFor(emulator) };
}

export const STORE_PATH = '/v1/ControlPlane/Stores';
export const CONFIGURATIONS_PATH = '/v2/ControlPlane/Configurations';
export const CONVERSATIONS_PATH = '/v2/Conversations';

let uniqueCounter = 0;
export function uniqueName(prefix = 'store'): string {
  uniqueCounter++;
  return `${prefix}-${uniqueCounter}-${process.pid}`;
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Creates a store and returns its ID once its (instant) operation completed. */
export async function createStore(api: TestApi, displayName = uniqueName()): Promise<string> {
  const accepted = await api.post<MemoryAccepted>(STORE_PATH, { displayName });
  expect(accepted.status).toBe(202);
  const operation = await api.poll(accepted.body.statusUrl);
  expect(operation.body.status).toBe('COMPLETED');
  return operation.body.result!.id;
}

export function configurationBody(memoryStoreId: string, overrides: Record<string, unknown> = {}) {
  return {
    displayName: uniqueName('cfg'),
    description: 'Support configuration',
    conversationGroupingType: 'GROUP_BY_PROFILE',
    memoryStoreId,
    ...overrides,
  };
}

/** Creates a configuration (instant latency) and returns its ID from `related`. */
export async function createConfiguration(
  api: TestApi,
  memoryStoreId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const accepted = await api.post<ConversationsAccepted>(
    CONFIGURATIONS_PATH,
    configurationBody(memoryStoreId, overrides),
  );
  expect(accepted.status).toBe(202);
  const operation = await api.poll(accepted.body.statusUrl);
  expect(operation.body.status).toBe('COMPLETED');
  return accepted.body.related!.configurationId!;
}

export async function createConversation(api: TestApi, configurationId: string): Promise<ConversationBody> {
  const created = await api.post<ConversationBody>(CONVERSATIONS_PATH, {
    configurationId,
    name: 'Support chat',
    participants: [
      { name: 'Dana', type: 'CUSTOMER', addresses: [{ channel: 'SMS', address: '+15551230001' }] },
      { name: 'Agent', type: 'AI_AGENT', addresses: [{ channel: 'SMS', address: '+15559870002' }] },
    ],
  });
  expect(created.status).toBe(201);
  return created.body;
}

export function sendMessageBody(to: string, text = 'Hello from the emulator', channel = 'SMS') {
  return {
    type: 'SEND_MESSAGE',
    payload: {
      from: { address: '+15559870002', channel: 'SMS' },
      to: [{ address: to, channel }],
      content: { text },
    },
  };
}

/** Expects a 400 in Twilio error JSON whose message matches (names the field and the rule). */
export async function expectBadRequest(
  api: TestApi,
  method: string,
  path: string,
  body: unknown,
  message: RegExp,
): Promise<void> {
  const reply = await api.call<TwilioErrorBody>(method, path, { body });
  expect(reply.status).toBe(400);
  expect(reply.body).toEqual({
    code: 20001,
    status: 400,
    message: expect.stringMatching(message) as string,
    more_info: 'https://www.twilio.com/docs/errors/20001',
  });
}
