/**
 * The emulator's public surface: how tests, `npm start` and benchmarks start and script it.
 * The same controls are reachable over HTTP through the admin API under `/__emulator/`.
 */

import type { FaultRule } from './faults';
import type { EmulatorChanges, EmulatorCredentials } from './options';

export type { FaultMatch, FaultRule } from './faults';
export type { EmulatorChanges, EmulatorCredentials, Latency } from './options';

/** The run-time options (latencies, ID switches, listing delay, faults), plus where to listen and whom to let in. */
export interface EmulatorOptions extends EmulatorChanges {
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default credentials from TWILIO_* env vars, else the documented defaults (see README). */
  credentials?: EmulatorCredentials;
}

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
  /**
   * Faults that took effect, by status for `status` faults (`'429'`, `'500'`, `'503'`) and by kind
   * for the others (`reset`, `accept-then-drop`, `latency`, `retry-after-date`, and
   * `operation-fails` / `operation-stuck` once their work was created). A rule that never matched,
   * or lost its `rate` roll, counts nothing.
   */
  faultsServed: Record<string, number>;
  /** 429s (Twilio code 20429) served past the account limit (`accountLimit`), since the start or the last reset. */
  throttled: number;
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
  /** Changes options at run time (latencies, related/result ID switches, listing delay); `faults` replaces the list. */
  configure(changes: EmulatorChanges): void;
  /** Forgets every resource, operation, key, fault and count. */
  reset(): void;
  close(): Promise<void>;
}
