/**
 * The account limit (`accountLimit: { perSecond, concurrent }`): off by default; past it a 429
 * with Twilio code 20429, Retry-After and Twilio-Concurrent-Requests, as Twilio answers past an
 * account's concurrency; counted as `throttled` in the state. Set through `configure`,
 * `POST /__emulator/config` and the command line's flags, each checked by the options' schema.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';
import { parseCliOptions } from '../../src/emulator/cli-options';
import {
  CONFIGURATIONS_PATH,
  STORE_PATH,
  apiFor,
  type Reply,
  type TwilioErrorBody,
  useEmulator,
} from './support';

const { emulator, api } = useEmulator();

/** The admin API needs no credentials. */
const admin = (method: string, path: string, body?: unknown) =>
  api.call(method, `/__emulator/${path}`, { body, auth: false });

/** `count` list reads sent at once. */
const listStoresAtOnce = (count: number) =>
  Promise.all(Array.from({ length: count }, () => api.get(STORE_PATH)));

const statuses = (replies: Reply[]) => replies.map((reply) => reply.status).sort();

describe('perSecond', () => {
  it('lets a burst of perSecond through, then answers 429/20429 with Retry-After and Twilio-Concurrent-Requests', async () => {
    emulator.configure({ accountLimit: { perSecond: 2 } });
    const replies = await listStoresAtOnce(5);

    expect(statuses(replies)).toEqual([200, 200, 429, 429, 429]);
    const refused = replies.find((reply) => reply.status === 429) as Reply<TwilioErrorBody>;
    expect(refused.body).toEqual({
      code: 20429,
      status: 429,
      message: "Too many requests: the account's limit of 2 requests per second was reached",
      more_info: 'https://www.twilio.com/docs/errors/20429',
    });
    expect(refused.headers.get('retry-after')).toBe('1');
    // The requests in flight then, the refused one not among them: at most the other four.
    expect(refused.headers.get('twilio-concurrent-requests')).toMatch(/^[0-4]$/);
    for (const reply of replies.filter((r) => r.status === 200)) {
      expect(Number(reply.headers.get('twilio-concurrent-requests'))).toBeGreaterThanOrEqual(1);
    }
    expect(emulator.summary().throttled).toBe(3);
    expect((await admin('GET', 'state')).body).toMatchObject({ throttled: 3 });
  });

  it('refills at perSecond per second: a second later the burst goes through again', async () => {
    emulator.configure({ accountLimit: { perSecond: 2 } });
    expect(statuses(await listStoresAtOnce(3))).toEqual([200, 200, 429]);
    await sleep(1_100);
    expect(statuses(await listStoresAtOnce(3))).toEqual([200, 200, 429]);
    expect(emulator.summary().throttled).toBe(2);
  });

  it('takes a fraction: at 0.5 per second one request goes, and the next is told to wait 2 s', async () => {
    emulator.configure({ accountLimit: { perSecond: 0.5 } });
    const replies = await listStoresAtOnce(2);
    expect(statuses(replies)).toEqual([200, 429]);
    expect(replies.find((reply) => reply.status === 429)?.headers.get('retry-after')).toBe('2');
  });
});

describe('concurrent', () => {
  it('answers 429 past that many requests in flight; a request that ends frees its place', async () => {
    emulator.configure({ accountLimit: { concurrent: 2 } });
    // Two slow reads hold both places until their latency is over.
    emulator.addFault({
      kind: 'latency',
      ms: 800,
      match: { method: 'GET', path: '^/v1/ControlPlane/Stores$' },
    });
    const slow = listStoresAtOnce(2);
    await sleep(300);

    const refused = await api.get<TwilioErrorBody>(CONFIGURATIONS_PATH);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: 20429,
      message: "Too many requests: the account's limit of 2 concurrent requests was reached",
    });
    expect(refused.headers.get('twilio-concurrent-requests')).toBe('2');

    const held = await slow;
    expect(statuses(held)).toEqual([200, 200]);
    expect(held.map((reply) => reply.headers.get('twilio-concurrent-requests')).sort()).toEqual(['1', '2']);
    const afterwards = await api.get(CONFIGURATIONS_PATH);
    expect(afterwards.status).toBe(200);
    expect(afterwards.headers.get('twilio-concurrent-requests')).toBe('1');
    expect(emulator.summary().throttled).toBe(1);
  });
});

describe('off, on and checked', () => {
  it('is off by default: no 429, no header, nothing throttled', async () => {
    const replies = await listStoresAtOnce(30);
    expect(new Set(statuses(replies))).toEqual(new Set([200]));
    expect(replies.every((reply) => !reply.headers.has('twilio-concurrent-requests'))).toBe(true);
    expect(emulator.summary().throttled).toBe(0);
  });

  it('POST /__emulator/config sets it and null turns it off; reset forgets the count and refills', async () => {
    const changed = await admin('POST', 'config', { accountLimit: { perSecond: 1 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ accountLimit: { perSecond: 1 } });
    expect(statuses(await listStoresAtOnce(2))).toEqual([200, 429]);

    emulator.reset();
    expect(emulator.summary().throttled).toBe(0);
    expect(statuses(await listStoresAtOnce(2))).toEqual([200, 429]);

    expect((await admin('POST', 'config', { accountLimit: null })).body).toMatchObject({
      accountLimit: null,
    });
    expect(statuses(await listStoresAtOnce(5))).toEqual([200, 200, 200, 200, 200]);
  });

  it.each([
    [{ perSecond: 0 }, /accountLimit\.perSecond: must be a positive number/],
    [{ perSecond: 'fast' }, /accountLimit\.perSecond: must be a positive number/],
    [{ concurrent: 1.5 }, /accountLimit\.concurrent: must be a positive integer/],
    [{ concurrent: 0 }, /accountLimit\.concurrent: must be a positive integer/],
    [{ perMinute: 60 }, /accountLimit\.perMinute: unknown field \(use perSecond or concurrent\)/],
    [{}, /accountLimit: give perSecond, concurrent or both \(null turns the limit off\)/],
    [20, /accountLimit: must be an object \{ perSecond\?, concurrent\? \}, or null to turn it off/],
  ])('refuses accountLimit %j, naming the field and the rule', async (accountLimit, message) => {
    expect(() => emulator.configure({ accountLimit } as Parameters<typeof emulator.configure>[0])).toThrow(
      message,
    );
    const reply = await api.call<TwilioErrorBody>('POST', '/__emulator/config', {
      body: { accountLimit },
      auth: false,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(message);
  });
});

describe('command line', () => {
  it('maps --account-limit-per-second and --account-limit-concurrent onto accountLimit', () => {
    expect(
      parseCliOptions(['--account-limit-per-second', '6', '--account-limit-concurrent', '20']),
    ).toMatchObject({ accountLimit: { perSecond: 6, concurrent: 20 } });
    expect(parseCliOptions(['--account-limit-per-second', '0.5'])).toMatchObject({
      accountLimit: { perSecond: 0.5 },
    });
    expect(parseCliOptions([])).not.toHaveProperty('accountLimit');
  });

  it.each([
    [
      ['--account-limit-per-second', '0'],
      /--account-limit-per-second: must be a positive number \(got '0'\)/,
    ],
    [['--account-limit-per-second', '6/s'], /--account-limit-per-second: must be a positive number/],
    [
      ['--account-limit-concurrent', '2.5'],
      /--account-limit-concurrent: must be a positive integer \(got '2.5'\)/,
    ],
  ])('refuses %j naming the flag', (args, message) => {
    expect(() => parseCliOptions(args)).toThrow(message);
  });

  it('npm run emulator -- --account-limit-per-second 1 throttles the second request', async () => {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'src/emulator/main.ts', '--account-limit-per-second', '1'],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [firstLine] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /listening on (http:\/\/\S+)$/.exec(firstLine)?.[1];
      expect(url).toBeDefined();
      const cli = apiFor({ url: url!, credentials: DEFAULT_EMULATOR_CREDENTIALS });
      expect((await cli.get(STORE_PATH)).status).toBe(200);
      expect((await cli.get(STORE_PATH)).status).toBe(429);
      const state = await cli.call<{ throttled: number }>('GET', '/__emulator/state', { auth: false });
      expect(state.body.throttled).toBe(1);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });
});
