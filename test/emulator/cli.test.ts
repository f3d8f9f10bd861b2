import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { HELP, parseCliOptions } from '../../src/emulator/cli-options';
import { DEFAULT_EMULATOR_CREDENTIALS } from '../../src/emulator';
import {
  CONFIGURATIONS_PATH,
  type ConversationsAccepted,
  type MemoryAccepted,
  STORE_PATH,
  apiFor,
  configurationBody,
} from './support';

const TSX = require.resolve('tsx/cli');
const MAIN = 'src/emulator/main.ts';

function runCli(args: string[]): ChildProcess {
  const env = { ...process.env };
  for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_KEY', 'TWILIO_API_SECRET'])
    delete env[name];
  return spawn(process.execPath, [TSX, MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('parseCliOptions', () => {
  it('maps every flag onto EmulatorOptions', () => {
    expect(
      parseCliOptions([
        '--port=4010',
        '--host',
        '0.0.0.0',
        '--operation-latency-ms',
        '250',
        '--action-latency-polls',
        '2',
        '--retry-after',
        '3',
        '--no-related-id',
        '--result-id',
        '--listing-delay-reads',
        '1',
        '--fault-rate-429',
        '0.1',
        '--fault-rate-503',
        '0.25',
        '--log',
      ]),
    ).toEqual({
      port: 4010,
      host: '0.0.0.0',
      operationLatency: { ms: 250 },
      actionLatency: { polls: 2 },
      retryAfterSeconds: 3,
      configurationRelatedId: false,
      configurationResultId: true,
      listingDelayReads: 1,
      faults: [
        { kind: 'status', status: 429, rate: 0.1 },
        { kind: 'status', status: 503, rate: 0.25 },
      ],
      logRequests: true,
    });
    expect(parseCliOptions([])).toEqual({ faults: [] });
    expect(parseCliOptions(['--help'])).toBe(HELP);
  });

  it.each([
    [['--port', '70000'], /--port: must be an integer from 0 to 65535/],
    [['--operation-latency-ms', 'soon'], /--operation-latency-ms: must be an integer/],
    [['--fault-rate-500', '1.5'], /--fault-rate-500: must be a number from 0 to 1/],
    [['--retry-after'], /--retry-after/],
    [['--colour'], /Unknown option '--colour'/],
  ])('refuses %j naming the flag', (args, message) => {
    expect(() => parseCliOptions(args)).toThrow(message);
  });
});

describe('npm run emulator (src/emulator/main.ts)', () => {
  it('prints its URL first, serves with the flags applied, and exits on SIGTERM', async () => {
    const child = runCli([
      '--port',
      '0',
      '--operation-latency-polls',
      '2',
      '--retry-after',
      '3',
      '--no-related-id',
      '--result-id',
    ]);
    try {
      const lines = createInterface({ input: child.stdout! });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const match = /^Orchestrator emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
      expect(match).not.toBeNull();
      const api = apiFor({ url: match![1]!, credentials: DEFAULT_EMULATOR_CREDENTIALS });

      const store = await api.post<MemoryAccepted>(STORE_PATH, { displayName: 'cli-store' });
      expect(store.headers.get('retry-after')).toBe('3');
      expect((await api.poll(store.body.statusUrl)).body.status).toBe('PENDING');
      const storeId = (await api.poll(store.body.statusUrl)).body.result!.id;

      const configuration = await api.post<ConversationsAccepted>(
        CONFIGURATIONS_PATH,
        configurationBody(storeId),
      );
      expect(configuration.body.related).toBeUndefined();
      await api.poll(configuration.body.statusUrl);
      const done = await api.poll(configuration.body.statusUrl);
      expect(done.body.result?.id).toMatch(/^conv_configuration_/);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a message naming a bad flag', async () => {
    const child = runCli(['--fault-rate-429', 'lots']);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fault-rate-429: must be a number from 0 to 1 \(got 'lots'\)/);
    expect(stderr).toMatch(/Usage: npm run emulator/);
  });
});
