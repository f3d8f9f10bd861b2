/**
 * The request options of every API call an activity makes, so that no request outlives the
 * activity attempt that sent it. A request still in flight when Temporal retries the activity
 * would run alongside the retry: for a create without an Idempotency-Key, the retry's look could
 * miss what the request is about to create, and create it again.
 */
import { Context } from '@temporalio/activity';
import type { RequestOptions } from '../api/types';

/**
 * How many requests' timeouts fit in one attempt: the look a retry makes before creating (one
 * page, usually) and the create itself, with a third left for the worker and the network.
 * With the 30 s startToCloseTimeout of src/workflows/provision-orchestrator.ts: 10 s each.
 */
const REQUESTS_PER_ATTEMPT = 3;

/**
 * - `signal`: the activity's cancellation signal: a cancelled activity (worker shutdown, a cancel
 *   delivered to it) aborts its request instead of leaving it in flight;
 * - `timeoutMs`: a third of the attempt's startToCloseTimeout (the client's own default equals it
 *   and would let one slow request last the whole attempt), so a request that hangs fails inside
 *   its attempt, before Temporal could start the next one.
 */
export function withinAttempt(): RequestOptions {
  const { cancellationSignal, info } = Context.current();
  return {
    signal: cancellationSignal,
    timeoutMs: Math.floor(info.startToCloseTimeoutMs / REQUESTS_PER_ATTEMPT),
  };
}
