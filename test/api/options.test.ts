import { clientOptionsFromEnv, OrchestratorClient, type OrchestratorClientOptions } from '../../src/api';
import { resolveClientOptions } from '../../src/api/client-options';

const ACCOUNT_SID = 'AC' + 'a'.repeat(32);

describe('clientOptionsFromEnv', () => {
  it('reads account SID + auth token and defaults to the real hosts', () => {
    expect(clientOptionsFromEnv({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'tok' })).toEqual({
      credentials: { accountSid: ACCOUNT_SID, authToken: 'tok' },
      conversationsBaseUrl: 'https://conversations.twilio.com',
      memoryBaseUrl: 'https://memory.twilio.com',
    });
  });

  it('prefers an API key pair over the auth token', () => {
    const options = clientOptionsFromEnv({
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_API_KEY: 'SKkey',
      TWILIO_API_SECRET: 'sec',
    });
    expect(options.credentials).toEqual({ accountSid: ACCOUNT_SID, apiKey: 'SKkey', apiSecret: 'sec' });
  });

  it('points both hosts at TWILIO_ORCHESTRATOR_BASE_URL; a host variable wins over it', () => {
    const base = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'tok' };
    expect(
      clientOptionsFromEnv({ ...base, TWILIO_ORCHESTRATOR_BASE_URL: 'http://127.0.0.1:4010' }),
    ).toMatchObject({
      conversationsBaseUrl: 'http://127.0.0.1:4010',
      memoryBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(
      clientOptionsFromEnv({
        ...base,
        TWILIO_ORCHESTRATOR_BASE_URL: 'http://127.0.0.1:4010',
        TWILIO_MEMORY_BASE_URL: 'http://127.0.0.1:4020',
      }),
    ).toMatchObject({
      conversationsBaseUrl: 'http://127.0.0.1:4010',
      memoryBaseUrl: 'http://127.0.0.1:4020',
    });
    expect(clientOptionsFromEnv({ ...base, TWILIO_CONVERSATIONS_BASE_URL: 'http://c:1' })).toMatchObject({
      conversationsBaseUrl: 'http://c:1',
      memoryBaseUrl: 'https://memory.twilio.com',
    });
  });

  it.each([
    [
      {},
      'Missing Twilio credentials: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET).',
    ],
    [
      { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: '' },
      'Missing Twilio credentials: TWILIO_AUTH_TOKEN',
    ],
    [{ TWILIO_AUTH_TOKEN: 'very-secret-token' }, 'Missing Twilio credentials: TWILIO_ACCOUNT_SID.'],
    [
      { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'tok', TWILIO_API_KEY: 'SKkey' },
      'Missing Twilio credentials: TWILIO_API_SECRET.',
    ],
    [
      { TWILIO_API_SECRET: 'very-secret-token' },
      'Missing Twilio credentials: TWILIO_ACCOUNT_SID, TWILIO_API_KEY.',
    ],
  ])('names the missing variables %#, never a value', (env, message) => {
    const run = () => clientOptionsFromEnv(env);
    expect(run).toThrow(message);
    expect(run).not.toThrow('very-secret-token');
  });

  it('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      process.env.TWILIO_ACCOUNT_SID = ACCOUNT_SID;
      process.env.TWILIO_AUTH_TOKEN = 'from-process';
      delete process.env.TWILIO_API_KEY;
      delete process.env.TWILIO_API_SECRET;
      expect(clientOptionsFromEnv().credentials).toEqual({
        accountSid: ACCOUNT_SID,
        authToken: 'from-process',
      });
    } finally {
      process.env = saved;
    }
  });
});

describe('OrchestratorClient options', () => {
  const valid: OrchestratorClientOptions = {
    credentials: { accountSid: ACCOUNT_SID, authToken: 'secret-token' },
  };

  it('applies the defaults in one place', () => {
    const resolved = resolveClientOptions(valid);
    expect(resolved.conversationsBaseUrl.href).toBe('https://conversations.twilio.com/');
    expect(resolved.memoryBaseUrl.href).toBe('https://memory.twilio.com/');
    expect(resolved.timeoutMs).toBe(30_000);
    expect(resolved.maxResponseBytes).toBe(1_048_576);
    expect(resolved.maxPages).toBe(1_000);
  });

  it.each<[string, Partial<OrchestratorClientOptions> & Record<string, unknown>, string]>([
    ['no credentials', { credentials: undefined }, 'credentials: required'],
    [
      'an empty auth token',
      { credentials: { accountSid: ACCOUNT_SID, authToken: '' } },
      'credentials.authToken: must be a non-empty string',
    ],
    [
      'no secret at all',
      { credentials: { accountSid: ACCOUNT_SID } as never },
      'credentials: needs authToken, or apiKey and apiSecret',
    ],
    [
      'an API key without secret',
      { credentials: { accountSid: ACCOUNT_SID, apiKey: 'SK1' } as never },
      'credentials.apiSecret: must be a non-empty string',
    ],
    [
      'a colon in the user',
      { credentials: { accountSid: 'AC:1', authToken: 'secret-token' } },
      "credentials.accountSid: must not contain ':'",
    ],
    [
      'a newline in the secret',
      { credentials: { accountSid: ACCOUNT_SID, authToken: 'secret-token\r\nX: 1' } },
      'credentials.authToken: must not contain control characters',
    ],
    [
      'a base URL with a path',
      { conversationsBaseUrl: 'https://conversations.twilio.com/v2' },
      'conversationsBaseUrl: must be an http(s) origin',
    ],
    [
      'a base URL with credentials',
      { memoryBaseUrl: 'https://user:secret-token@memory.twilio.com' },
      'memoryBaseUrl: must be an http(s) origin',
    ],
    [
      'a base URL that is not a URL',
      { memoryBaseUrl: 'memory.twilio.com' },
      'memoryBaseUrl: must be an http(s) origin',
    ],
    [
      'an ftp base URL',
      { memoryBaseUrl: 'ftp://memory.twilio.com' },
      'memoryBaseUrl: must be an http(s) origin',
    ],
    ['a zero timeout', { timeoutMs: 0 }, 'timeoutMs: must be an integer from 1 to 2147483647'],
    [
      'a timeout past the timer limit',
      { timeoutMs: 2 ** 31 },
      'timeoutMs: must be an integer from 1 to 2147483647',
    ],
    ['a zero response cap', { maxResponseBytes: 0 }, 'maxResponseBytes: must be an integer from 1 to'],
    ['an unbounded response cap', { maxResponseBytes: Infinity }, 'maxResponseBytes: must be an integer'],
    ['a fractional page cap', { maxPages: 2.5 }, 'maxPages: must be an integer from 1 to 1000000'],
  ])('fails early on %s, naming the field and never the value', (_case, overrides, message) => {
    const create = () => new OrchestratorClient({ ...valid, ...overrides });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`Invalid OrchestratorClient options: ${message}`);
    expect(create).not.toThrow('secret-token');
  });

  it('lists every bad field at once', () => {
    expect(() =>
      resolveClientOptions({
        credentials: { accountSid: '', authToken: '' },
        timeoutMs: 1.5,
        memoryBaseUrl: 'x',
      }),
    ).toThrow(
      'Invalid OrchestratorClient options: credentials.accountSid: must be a non-empty string; ' +
        'credentials.authToken: must be a non-empty string; memoryBaseUrl: must be an http(s) origin',
    );
  });

  it('accepts a trailing slash on a base URL', () => {
    expect(
      resolveClientOptions({ ...valid, memoryBaseUrl: 'http://127.0.0.1:4010/' }).memoryBaseUrl.origin,
    ).toBe('http://127.0.0.1:4010');
  });
});
