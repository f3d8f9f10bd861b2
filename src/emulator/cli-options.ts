import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { EmulatorOptions, FaultRule } from './types';
import { check } from './validation';

export const USAGE = `Usage: npm run emulator -- [options]
  --port N                      port to listen on (default 0: a free port)
  --host H                      interface to bind (default 127.0.0.1)
  --operation-latency-ms N      async operations settle after N ms of emulator time (default 1000)
  --operation-latency-polls N   ... or on their Nth status read
  --action-latency-ms N         SEND_MESSAGE actions settle after N ms (default 500)
  --action-latency-polls N      ... or on their Nth status read
  --retry-after S               Retry-After seconds on 202s and pending reads (default 1)
  --no-related-id               leave related.configurationId out of configuration operations
  --result-id                   fill result.id in configuration operations
  --listing-delay-reads N       new configurations sit out their first N list calls
  --fault-rate-429 R            answer this fraction (0-1) of API requests with 429
  --fault-rate-500 R            ... with 500
  --fault-rate-503 R            ... with 503
  --account-limit-per-second N  the account's limit: 429 (code 20429) past N requests per second
                                (a burst of N, then N per second; decimals allowed)
  --account-limit-concurrent N  ... past N requests in flight at once
  --log                         log each request to stderr
  --help                        show this help

Credentials: TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET),
else accountSid ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa with authToken emulator-auth-token.`;

/** Thrown for a bad flag; the message names the flag and the rule. */
export class CliUsageError extends Error {}

/** `--help` was given. */
export const HELP = Symbol('help');

function integerFlag(max = Number.MAX_SAFE_INTEGER) {
  const error = (issue: { input?: unknown }) =>
    `must be an integer from 0 to ${max} (got '${String(issue.input)}')`;
  return z.string().regex(/^\d+$/, { error }).transform(Number).pipe(z.number().max(max, { error }));
}

function positiveFlag(kind: 'integer' | 'number') {
  const pattern = kind === 'integer' ? /^\d+$/ : /^\d+(\.\d+)?$/;
  return z
    .string()
    .refine((raw) => pattern.test(raw) && Number(raw) > 0, {
      error: (issue) => `must be a positive ${kind} (got '${String(issue.input)}')`,
    })
    .transform(Number);
}

const rateFlag = z
  .string()
  .refine((raw) => raw.trim() !== '' && Number(raw) >= 0 && Number(raw) <= 1, {
    error: (issue) => `must be a number from 0 to 1 (got '${String(issue.input)}')`,
  })
  .transform(Number);

const latency = (ms: number | undefined, polls: number | undefined) =>
  ms === undefined && polls === undefined ? undefined : { ms, polls };

const accountLimit = (perSecond: number | undefined, concurrent: number | undefined) =>
  perSecond === undefined && concurrent === undefined
    ? undefined
    : {
        ...(perSecond === undefined ? {} : { perSecond }),
        ...(concurrent === undefined ? {} : { concurrent }),
      };

/** The flags' values as parseArgs reads them (strings and booleans), turned into options. */
const flagsSchema = z
  .object({
    port: integerFlag(65535).optional(),
    host: z.string().optional(),
    'operation-latency-ms': integerFlag().optional(),
    'operation-latency-polls': integerFlag().optional(),
    'action-latency-ms': integerFlag().optional(),
    'action-latency-polls': integerFlag().optional(),
    'retry-after': integerFlag().optional(),
    'no-related-id': z.boolean().optional(),
    'result-id': z.boolean().optional(),
    'listing-delay-reads': integerFlag().optional(),
    'fault-rate-429': rateFlag.optional(),
    'fault-rate-500': rateFlag.optional(),
    'fault-rate-503': rateFlag.optional(),
    'account-limit-per-second': positiveFlag('number').optional(),
    'account-limit-concurrent': positiveFlag('integer').optional(),
    log: z.boolean().optional(),
  })
  .transform((flags): EmulatorOptions => {
    const faults: FaultRule[] = [];
    for (const status of [429, 500, 503] as const) {
      const rate = flags[`fault-rate-${status}`];
      if (rate !== undefined && rate > 0) faults.push({ kind: 'status', status, rate });
    }
    const options: EmulatorOptions = {
      port: flags.port,
      host: flags.host,
      operationLatency: latency(flags['operation-latency-ms'], flags['operation-latency-polls']),
      actionLatency: latency(flags['action-latency-ms'], flags['action-latency-polls']),
      retryAfterSeconds: flags['retry-after'],
      configurationRelatedId: flags['no-related-id'] ? false : undefined,
      configurationResultId: flags['result-id'] ? true : undefined,
      listingDelayReads: flags['listing-delay-reads'],
      faults,
      logRequests: flags.log,
      accountLimit: accountLimit(flags['account-limit-per-second'], flags['account-limit-concurrent']),
    };
    return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  });

export function parseCliOptions(argv: string[]): EmulatorOptions | typeof HELP {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        ...Object.fromEntries(
          Object.entries(flagsSchema.in.shape).map(([flag, schema]) => [
            flag,
            { type: schema.unwrap() instanceof z.ZodBoolean ? 'boolean' : 'string' },
          ]),
        ),
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return HELP;
  const checked = check(flagsSchema, values);
  if ('problems' in checked)
    throw new CliUsageError(checked.problems.map((problem) => `--${problem}`).join('; '));
  return checked.data;
}
