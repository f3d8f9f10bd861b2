/**
 * What both observability tests run against: the dev stack (test/support/dev-stack.ts) with one
 * operation poll refused with 429 (with `Retry-After: 1`), so that a rate-limited call shows in
 * spans and metrics.
 */
import type { DevStackOptions } from '../support/dev-stack';

export const RATE_LIMITED_RETRY_AFTER_SECONDS = 1;

export const ONE_POLL_RATE_LIMITED: DevStackOptions['emulator'] = {
  faults: [
    {
      kind: 'status',
      status: 429,
      retryAfter: RATE_LIMITED_RETRY_AFTER_SECONDS,
      times: 1,
      match: { method: 'GET', path: '^/v1/ControlPlane/Operations/' },
    },
  ],
};
