import { parseArgs } from 'node:util';
import type { EmulatorOptions, FaultRule } from './types';

export const USAGE = `Usage: npm run emulator -- [options]
  --port N                     port to listen on (default 0: a free port)
  --host H                     interface to bind (default 127.0.0.1)
  --operation-latency-ms N     async operations settle after N ms of emulator time (default 1000)
  --operation-latency-polls N  ... or on their Nth status read
  --action-latency-ms N        SEND_MESSAGE actions settle after N ms (default 500)
  --action-latency-polls N     ... or on their Nth status read
  --retry-after S              Retry-After seconds on 202s and pending reads (default 1)
  --no-related-id              leave related.configurationId out of configuration operations
  --result-id                  fill result.id in configuration operations
  --listing-delay-reads N      new configurations sit out their first N list calls
  --fault-rate-429 R           answer this fraction (0-1) of API requests with 429
  --fault-rate-500 R           ... with 500
  --fault-rate-503 R           ... with 503
  --log                        log each request to stderr
  --help                       show this help

Credentials: TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET),
else accountSid ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa with authToken emulator-auth-token.`;

/** Thrown for a bad flag; the message names the flag and the rule. */
export class CliUsageError extends Error {}

/** `--help` was given. */
export const HELP = Symbol('help');

export function parseCliOptions(argv: string[]): EmulatorOptions | typeof HELP {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'operation-latency-ms': { type: 'string' },
        'operation-latency-polls': { type: 'string' },
        'action-latency-ms': { type: 'string' },
        'action-latency-polls': { type: 'string' },
        'retry-after': { type: 'string' },
        'no-related-id': { type: 'boolean' },
        'result-id': { type: 'boolean' },
        'listing-delay-reads': { type: 'string' },
        'fault-rate-429': { type: 'string' },
        'fault-rate-500': { type: 'string' },
        'fault-rate-503': { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return HELP;

  const integer = (flag: keyof typeof values, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value > max) {
      throw new CliUsageError(`--${flag}: must be an integer from 0 to ${max} (got '${String(raw)}')`);
    }
    return value;
  };
  const rate = (flag: 'fault-rate-429' | 'fault-rate-500' | 'fault-rate-503'): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !(value >= 0 && value <= 1)) {
      throw new CliUsageError(`--${flag}: must be a number from 0 to 1 (got '${raw}')`);
    }
    return value;
  };
  const latency = (ms: number | undefined, polls: number | undefined) =>
    ms === undefined && polls === undefined ? undefined : { ms, polls };

  const faults: FaultRule[] = [];
  for (const status of [429, 500, 503] as const) {
    const value = rate(`fault-rate-${status}`);
    if (value !== undefined && value > 0) faults.push({ kind: 'status', status, rate: value });
  }
  const options: EmulatorOptions = {
    port: integer('port', 65535),
    host: values.host,
    operationLatency: latency(integer('operation-latency-ms'), integer('operation-latency-polls')),
    actionLatency: latency(integer('action-latency-ms'), integer('action-latency-polls')),
    retryAfterSeconds: integer('retry-after'),
    configurationRelatedId: values['no-related-id'] ? false : undefined,
    configurationResultId: values['result-id'] ? true : undefined,
    listingDelayReads: integer('listing-delay-reads'),
    faults,
    logRequests: values.log,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
