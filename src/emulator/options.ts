import { z } from 'zod';
import { accountLimitSchema } from './account-limit';
import { faultRuleSchema } from './faults';
import { parseOrThrow } from './validation';

/** Credentials the emulator accepts as HTTP Basic auth (either pair). */
export interface EmulatorCredentials {
  accountSid: string;
  /** Accepted as `accountSid:authToken`. */
  authToken: string;
  /** Accepted as `apiKey:apiSecret` when both are set. */
  apiKey?: string;
  apiSecret?: string;
}

/** Accepted when no TWILIO_* credentials are in the environment and none are passed. */
export const DEFAULT_EMULATOR_CREDENTIALS: Readonly<EmulatorCredentials> = Object.freeze({
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'emulator-auth-token',
});

const count = z
  .int({ error: 'must be a non-negative integer' })
  .min(0, { error: 'must be a non-negative integer' });
const flag = z.boolean({ error: 'must be a boolean' });

/** How long an async operation or action stays PENDING before it settles. */
const latencySchema = z.strictObject(
  {
    /** Settles once this much emulator-clock time has passed since creation. */
    ms: count.optional(),
    /**
     * Settles on the Nth status read (GET) instead. Deterministic under Temporal's time-skipping
     * test server, where workflow time jumps but the emulator's wall clock does not.
     */
    polls: count.optional(),
  },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return 'unknown field (use ms or polls)';
      return issue.code === 'invalid_type' ? 'must be an object { ms?, polls? }' : undefined;
    },
  },
);

export type Latency = z.output<typeof latencySchema>;

const runtimeShape = {
  /** @default { ms: 1000 } */
  operationLatency: latencySchema.optional(),
  /** @default { ms: 500 } */
  actionLatency: latencySchema.optional(),
  /** `Retry-After` seconds on 202s and on PENDING operation reads. @default 1 */
  retryAfterSeconds: count.optional(),
  /** Put `related.configurationId` in configuration 202 bodies and operations. @default true */
  configurationRelatedId: flag.optional(),
  /** Fill `result.id` in configuration operations (the real API does not). @default false */
  configurationResultId: flag.optional(),
  /** Configurations created appear in lists only after this many list calls. @default 0 */
  listingDelayReads: count.optional(),
  /** Log each request to stderr. @default false */
  logRequests: flag.optional(),
  /**
   * The account's limit on requests, answered 429/20429 past it (./account-limit.ts); `null`
   * turns it off. @default null (no limit)
   */
  accountLimit: accountLimitSchema.optional(),
};

/** The options that can change while the emulator runs (`configure()`, `POST /__emulator/config`). */
const changesSchema = z.strictObject(
  {
    ...runtimeShape,
    /** Faults active from the start; see `FaultRule`. Given to `configure()`, replaces the list. */
    faults: z.array(faultRuleSchema, { error: 'must be an array of fault rules' }).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option (changeable: ${Object.keys(runtimeShape).join(', ')}, faults)`
        : undefined,
  },
);

export type EmulatorChanges = z.input<typeof changesSchema>;

/** The run-time options with every default applied. */
export type RuntimeOptions = Required<Omit<z.output<typeof changesSchema>, 'faults'>>;

export const DEFAULT_RUNTIME_OPTIONS: Readonly<RuntimeOptions> = Object.freeze({
  operationLatency: { ms: 1000 },
  actionLatency: { ms: 500 },
  retryAfterSeconds: 1,
  configurationRelatedId: true,
  configurationResultId: false,
  listingDelayReads: 0,
  logRequests: false,
  accountLimit: null,
});

/**
 * Checks every field of `changes` (throws an Error naming the field and the rule) and applies the
 * run-time options over `base`; `faults`, when given, is returned checked for the caller to apply.
 */
export function applyChanges(
  base: RuntimeOptions,
  changes: unknown,
): { options: RuntimeOptions; faults?: z.output<typeof faultRuleSchema>[] } {
  if (typeof changes !== 'object' || Array.isArray(changes)) throw new Error('options: must be an object');
  // An option given as undefined is one not given, known or not.
  const given = Object.entries(changes ?? {}).filter(([, value]) => value !== undefined);
  const { faults, ...options } = parseOrThrow(changesSchema, Object.fromEntries(given));
  return { options: { ...base, ...options }, ...(faults === undefined ? {} : { faults }) };
}

/**
 * Credentials from the options, else `TWILIO_ACCOUNT_SID` + `TWILIO_AUTH_TOKEN` and/or
 * `TWILIO_API_KEY` + `TWILIO_API_SECRET`, else the documented defaults.
 */
export function resolveCredentials(
  explicit: EmulatorCredentials | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EmulatorCredentials {
  if (explicit) return explicit;
  const accountSid = env.TWILIO_ACCOUNT_SID;
  const hasToken = Boolean(env.TWILIO_AUTH_TOKEN);
  const hasKey = Boolean(env.TWILIO_API_KEY && env.TWILIO_API_SECRET);
  if (!accountSid || !(hasToken || hasKey)) return { ...DEFAULT_EMULATOR_CREDENTIALS };
  return {
    accountSid,
    // Empty when only an API key is configured: an empty token is never accepted (see auth.ts).
    authToken: env.TWILIO_AUTH_TOKEN ?? '',
    ...(hasKey ? { apiKey: env.TWILIO_API_KEY, apiSecret: env.TWILIO_API_SECRET } : {}),
  };
}
