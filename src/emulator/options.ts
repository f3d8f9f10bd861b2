import type { EmulatorCredentials, EmulatorOptions, Latency } from './types';

/** Accepted when no TWILIO_* credentials are in the environment and none are passed. */
export const DEFAULT_EMULATOR_CREDENTIALS: Readonly<EmulatorCredentials> = Object.freeze({
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'emulator-auth-token',
});

/** The options that can change while the emulator runs, with every default applied. */
export interface RuntimeOptions {
  operationLatency: Latency;
  actionLatency: Latency;
  retryAfterSeconds: number;
  configurationRelatedId: boolean;
  configurationResultId: boolean;
  listingDelayReads: number;
  logRequests: boolean;
}

export type RuntimeOptionsPatch = Partial<Omit<EmulatorOptions, 'port' | 'host' | 'credentials' | 'faults'>>;

export const DEFAULT_RUNTIME_OPTIONS: Readonly<RuntimeOptions> = Object.freeze({
  operationLatency: { ms: 1000 },
  actionLatency: { ms: 500 },
  retryAfterSeconds: 1,
  configurationRelatedId: true,
  configurationResultId: false,
  listingDelayReads: 0,
  logRequests: false,
});

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

/**
 * Applies `patch` over `base` after checking every field; throws an Error naming the field and
 * the rule on bad input (used by `configure()` and `POST /__emulator/config`).
 */
export function applyRuntimeOptions(base: RuntimeOptions, patch: unknown): RuntimeOptions {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new Error('options: must be an object');
  }
  const next = { ...base };
  for (const [field, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === undefined) continue;
    switch (field) {
      case 'operationLatency':
      case 'actionLatency':
        next[field] = checkLatency(field, value);
        break;
      case 'retryAfterSeconds':
      case 'listingDelayReads':
        next[field] = checkCount(field, value);
        break;
      case 'configurationRelatedId':
      case 'configurationResultId':
      case 'logRequests':
        if (typeof value !== 'boolean') throw new Error(`${field}: must be a boolean`);
        next[field] = value;
        break;
      default:
        throw new Error(`${field}: unknown option (changeable: ${Object.keys(base).join(', ')})`);
    }
  }
  return next;
}

function checkLatency(field: string, value: unknown): Latency {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${field}: must be an object { ms?, polls? }`);
  }
  const latency: Latency = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key !== 'ms' && key !== 'polls') throw new Error(`${field}.${key}: unknown field (use ms or polls)`);
    if (v === undefined) continue;
    latency[key] = checkCount(`${field}.${key}`, v);
  }
  return latency;
}

function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${field}: must be a non-negative integer`);
  }
  return value;
}
