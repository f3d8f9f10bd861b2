/**
 * Every activity heartbeats while it runs, so that
 * - a worker that dies mid-call is noticed within the workflow's `heartbeatTimeout` (seconds),
 *   not after the whole `startToCloseTimeout`, and the call moves to another worker;
 * - a cancelled or terminated workflow, or an attempt that timed out, reaches the activity (the
 *   server answers its heartbeat so): its cancellation signal fires and aborts every request in
 *   flight (./within-attempt), so no request goes on for a run that no longer wants it.
 */
import { Context } from '@temporalio/activity';

/** Often enough for a 5 s heartbeat timeout; the SDK throttles what it actually sends. */
const HEARTBEAT_INTERVAL_MS = 1_000;

type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

export function withHeartbeats<T extends AsyncFunctions>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      const context = Context.current();
      context.heartbeat();
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        return await activity(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
