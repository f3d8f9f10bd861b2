/**
 * The emulator's public surface: how tests, `npm start` and benchmarks start and script it.
 * The same controls are reachable over HTTP through the admin API under `/__emulator/`.
 */

/** Credentials the emulator accepts as HTTP Basic auth (either pair). */
export interface EmulatorCredentials {
  accountSid: string;
  /** Accepted as `accountSid:authToken`. */
  authToken: string;
  /** Accepted as `apiKey:apiSecret` when both are set. */
  apiKey?: string;
  apiSecret?: string;
}

/** How long an async operation or action stays PENDING before it settles. */
export interface Latency {
  /** Settles once this much emulator-clock time has passed since creation. */
  ms?: number;
  /**
   * Settles on the Nth status read (GET) instead. Deterministic under Temporal's time-skipping
   * test server, where workflow time jumps but the emulator's wall clock does not.
   */
  polls?: number;
}

export interface EmulatorOptions {
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default credentials from TWILIO_* env vars, else the documented defaults (see README). */
  credentials?: EmulatorCredentials;
  /** @default { ms: 1000 } */
  operationLatency?: Latency;
  /** @default { ms: 500 } */
  actionLatency?: Latency;
  /** `Retry-After` seconds on 202s and on PENDING operation reads. @default 1 */
  retryAfterSeconds?: number;
  /** Put `related.configurationId` in configuration 202 bodies and operations. @default true */
  configurationRelatedId?: boolean;
  /** Fill `result.id` in configuration operations (the real API does not). @default false */
  configurationResultId?: boolean;
  /** Configurations created appear in lists only after this many list calls. @default 0 */
  listingDelayReads?: number;
  /** Faults active from the start; see `FaultRule`. */
  faults?: FaultRule[];
  /** Log each request to stderr. @default false */
  logRequests?: boolean;
}

/** Which requests a fault applies to. All given fields must match. */
export interface FaultMatch {
  method?: string;
  /** A regular expression (source text) tested against the path, e.g. `^/v1/ControlPlane/Stores$`. */
  path?: string;
}

/**
 * One scripted fault. Applies to matching requests, `times` times (default: unlimited), each
 * with probability `rate` (default 1), in the order rules were added (first match wins).
 */
export type FaultRule = { match?: FaultMatch; times?: number; rate?: number } & (
  | { kind: 'status'; status: 429 | 500 | 503; retryAfter?: number | 'http-date' }
  | { kind: 'reset' }
  /** The request is applied, then the connection is destroyed before any response byte. */
  | { kind: 'accept-then-drop' }
  | { kind: 'latency'; ms: number }
  /** The next matching async operation (or action) ends FAILED. */
  | { kind: 'operation-fails'; error?: { title?: string; detail?: string; code?: number } }
  /** The next matching async operation (or action) stays PENDING forever. */
  | { kind: 'operation-stuck' }
  /** `Retry-After` on matching responses is an HTTP-date `seconds` ahead instead of delay-seconds. */
  | { kind: 'retry-after-date'; seconds: number }
);

/** Counts for auditing that nothing was duplicated. */
export interface EmulatorStateSummary {
  stores: number;
  configurations: number;
  conversations: number;
  /** SEND_MESSAGE actions accepted (each one a message sent to a customer). */
  messagesSent: number;
  operations: { total: number; pending: number; completed: number; failed: number };
  /** Requests received, by `METHOD path-template`. */
  requests: Record<string, number>;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:43121`; serves both the conversations and the memory paths. */
  readonly url: string;
  readonly credentials: EmulatorCredentials;
  summary(): EmulatorStateSummary;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Moves the emulator's clock forward (idempotency-key expiry, time-based latency). */
  advanceClock(ms: number): void;
  /** Changes options at run time (latencies, related/result ID switches, listing delay). */
  configure(options: Partial<Omit<EmulatorOptions, 'port' | 'host' | 'credentials'>>): void;
  /** Forgets every resource, operation, key and fault. */
  reset(): void;
  close(): Promise<void>;
}
