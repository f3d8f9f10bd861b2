/**
 * What the entry points tell a person about where they connect (never a secret), where the
 * Web UI links point, and which Orchestrator `npm start` picks from the environment.
 */
import { describeClientOptions } from '../../src/api/describe-client-options';
import { ConfigurationError } from '../../src/common/configuration-error';
import { configuredOrchestrator, startEmulatorTarget } from '../../src/cli/orchestrator-target';
import { webUiBaseUrl, webUiLink } from '../../src/cli/web-ui';
import { describeTemporalTarget } from '../../src/temporal/connection';

const SECRET = 'sekret-value-123';

test('the Temporal target is described by address, namespace and kind of authentication only', () => {
  const describe = (connectionOptions: Parameters<typeof describeTemporalTarget>[0]['connectionOptions']) =>
    describeTemporalTarget({ connectionOptions, namespace: 'payments' });

  expect(describe({})).toBe('localhost:7233, namespace payments (plaintext)');
  const cloud = describe({ address: 'ns.acct.tmprl.cloud:7233', apiKey: SECRET, tls: true });
  expect(cloud).toBe('ns.acct.tmprl.cloud:7233, namespace payments (API key over TLS)');
  const pair = { crt: Buffer.from(SECRET), key: Buffer.from(SECRET) };
  expect(describe({ address: 'x:7233', tls: { clientCertPair: pair } })).toContain('(mTLS)');
  expect(describe({ address: 'x:7233', tls: true })).toContain('(TLS)');
});

test('the Orchestrator target names hosts and the kind of credential, not the account or secret', () => {
  const apiKey = describeClientOptions({
    credentials: { accountSid: 'AC123', apiKey: 'SK123', apiSecret: SECRET },
  });
  expect(apiKey).toBe(
    'conversations https://conversations.twilio.com, memory https://memory.twilio.com (API key)',
  );
  const token = describeClientOptions({
    credentials: { accountSid: 'AC123', authToken: SECRET },
    conversationsBaseUrl: 'http://127.0.0.1:4010',
    memoryBaseUrl: 'http://127.0.0.1:4010',
  });
  expect(token).toBe('http://127.0.0.1:4010 (auth token)');
  expect(apiKey + token).not.toMatch(/AC123|SK123|sekret/);
});

test('Web UI links: TEMPORAL_UI_URL, else the local dev server unless TEMPORAL_ADDRESS points elsewhere', () => {
  expect(webUiBaseUrl({})).toBe('http://localhost:8233');
  expect(webUiBaseUrl({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toBeUndefined();
  expect(webUiBaseUrl({ TEMPORAL_ADDRESS: 'x:1', TEMPORAL_UI_URL: 'http://ui:8080/' })).toBe(
    'http://ui:8080',
  );
  expect(webUiLink('default', 'provision-a b', 'run-1', 'http://ui:8080')).toBe(
    'http://ui:8080/namespaces/default/workflows/provision-a%20b/run-1/history',
  );
  expect(webUiLink('default', 'id', 'run', undefined)).toBeUndefined();
});

describe('the Orchestrator npm start picks', () => {
  test('without settings the environment names none, and an emulator in this process is started and closed', async () => {
    expect(configuredOrchestrator({})).toBeUndefined();
    const target = await startEmulatorTarget();
    try {
      expect(target.emulator).toBeDefined();
      expect(target.clientOptions.conversationsBaseUrl).toBe(target.emulator?.url);
      const health = await fetch(`${target.emulator?.url}/__emulator/state`);
      expect(health.status).toBe(200);
    } finally {
      await target.close();
    }
    await expect(fetch(`${target.emulator?.url}/__emulator/state`)).rejects.toThrow();
  });

  test('real Twilio credentials select Twilio; a base URL selects that server', () => {
    const twilio = configuredOrchestrator({
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_API_KEY: 'SK1',
      TWILIO_API_SECRET: SECRET,
    });
    expect(twilio?.emulator).toBeUndefined();
    expect(twilio?.description).toMatch(/^Twilio: .*conversations\.twilio\.com.*\(API key\)$/);

    const external = configuredOrchestrator({ TWILIO_ORCHESTRATOR_BASE_URL: 'http://emulator:4010' });
    expect(external?.emulator).toBeUndefined();
    expect(external?.clientOptions.memoryBaseUrl).toBe('http://emulator:4010');
    // No credentials given: the emulator's defaults.
    expect(external?.clientOptions.credentials).toEqual({
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'emulator-auth-token',
    });
  });

  test('a setting the client refuses is a ConfigurationError naming the variables, never a value', () => {
    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        configuredOrchestrator(env);
      } catch (err) {
        return err;
      }
      throw new Error('accepted');
    };

    const badUrl = refused({ TWILIO_MEMORY_BASE_URL: `http://emulator:4010/?token=${SECRET}` });
    expect(badUrl).toBeInstanceOf(ConfigurationError);
    expect((badUrl as Error).message).toMatch(
      /^Cannot use the Orchestrator settings in TWILIO_MEMORY_BASE_URL: .*memoryBaseUrl: must be an http\(s\) origin/,
    );

    const controlCharacter = refused({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: `${SECRET}\n` });
    expect((controlCharacter as Error).message).toMatch(
      /^Cannot use the Orchestrator settings in TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: .*credentials\.authToken: must not contain control characters/,
    );
    expect(`${String(badUrl)} ${String(controlCharacter)}`).not.toContain(SECRET);
  });
});
