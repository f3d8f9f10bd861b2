import { type EmulatorCredentials, DEFAULT_EMULATOR_CREDENTIALS, startEmulator } from '../../src/emulator';
import { STORE_PATH, type TwilioErrorBody, apiFor, start } from './support';

describe('authentication', () => {
  const credentials: EmulatorCredentials = {
    accountSid: `AC${'1'.repeat(32)}`,
    authToken: 'token-123',
    apiKey: `SK${'2'.repeat(32)}`,
    apiSecret: 'secret-456',
  };

  it('accepts accountSid:authToken and apiKey:apiSecret, and refuses anything else with 401 Twilio JSON', async () => {
    const { emulator, api } = await start({ credentials });
    try {
      expect(
        (await api.call('GET', STORE_PATH, { auth: [credentials.accountSid, 'token-123'] })).status,
      ).toBe(200);
      expect((await api.call('GET', STORE_PATH, { auth: [credentials.apiKey!, 'secret-456'] })).status).toBe(
        200,
      );
      for (const auth of [
        false,
        [credentials.accountSid, 'wrong'],
        [credentials.apiKey!, 'token-123'],
      ] as const) {
        const refused = await api.call<TwilioErrorBody>('GET', STORE_PATH, { auth });
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ code: 20003, status: 401 });
        expect(refused.headers.get('www-authenticate')).toMatch(/^Basic/);
        expect(JSON.stringify(refused.body)).not.toContain('token-123');
      }
      // Refused requests change nothing.
      const refusedCreate = await api.call('POST', STORE_PATH, { body: { displayName: 'x' }, auth: false });
      expect(refusedCreate.status).toBe(401);
      expect(emulator.summary().stores).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('takes credentials from TWILIO_* environment variables, else the documented defaults', async () => {
    const saved = { ...process.env };
    try {
      process.env.TWILIO_ACCOUNT_SID = `AC${'3'.repeat(32)}`;
      delete process.env.TWILIO_AUTH_TOKEN;
      process.env.TWILIO_API_KEY = `SK${'4'.repeat(32)}`;
      process.env.TWILIO_API_SECRET = 'env-secret';
      const fromEnv = await startEmulator();
      try {
        expect(fromEnv.credentials).toMatchObject({
          accountSid: `AC${'3'.repeat(32)}`,
          apiKey: `SK${'4'.repeat(32)}`,
        });
        const api = apiFor(fromEnv);
        expect(
          (await api.call('GET', STORE_PATH, { auth: [`SK${'4'.repeat(32)}`, 'env-secret'] })).status,
        ).toBe(200);
        // Without TWILIO_AUTH_TOKEN no account-SID pair is accepted, not even an empty token.
        expect((await api.call('GET', STORE_PATH, { auth: [`AC${'3'.repeat(32)}`, ''] })).status).toBe(401);
      } finally {
        await fromEnv.close();
      }

      for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY', 'TWILIO_API_SECRET']) {
        delete process.env[name];
      }
      const withDefaults = await startEmulator();
      try {
        expect(withDefaults.credentials).toEqual(DEFAULT_EMULATOR_CREDENTIALS);
        expect(DEFAULT_EMULATOR_CREDENTIALS).toEqual({
          accountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
          authToken: 'emulator-auth-token',
        });
        const api = apiFor(withDefaults);
        expect(
          (
            await api.call('GET', STORE_PATH, {
              auth: ['ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'emulator-auth-token'],
            })
          ).status,
        ).toBe(200);
      } finally {
        await withDefaults.close();
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('routing', () => {
  it('404s unknown paths and 405s known paths with another method, in Twilio JSON', async () => {
    const { emulator, api } = await start();
    try {
      const unknown = await api.get<TwilioErrorBody>('/v3/Nothing');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 20404, status: 404 });
      expect((await api.call('PATCH', STORE_PATH)).status).toBe(405);
      expect((await api.get('/v1/ControlPlane/Stores/%E0%A4%A')).status).toBe(400);
    } finally {
      await emulator.close();
    }
  });

  it('listens on 127.0.0.1 with a free port by default and reports its URL', async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await emulator.close();
    }
  });
});

describe('request log', () => {
  it('logs method, path and status to stderr with logRequests, never the credentials', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { emulator, api } = await start({
      logRequests: true,
      credentials: { accountSid: `AC${'5'.repeat(32)}`, authToken: 'do-not-log-me' },
    });
    try {
      await api.get(STORE_PATH);
      await api.call('GET', STORE_PATH, { auth: false });
    } finally {
      await emulator.close();
      write.mockRestore();
    }
    expect(lines.join('')).toMatch(/GET \/v1\/ControlPlane\/Stores -> 200 \(\d+\.\d ms\)/);
    expect(lines.join('')).toMatch(/GET \/v1\/ControlPlane\/Stores -> 401/);
    const everything = lines.join('');
    expect(everything).not.toContain('do-not-log-me');
    expect(everything).not.toContain(Buffer.from(`AC${'5'.repeat(32)}:do-not-log-me`).toString('base64'));
  });
});
