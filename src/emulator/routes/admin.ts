import type { EmulatorCore } from '../core';
import { badRequest } from '../errors';
import type { Route } from '../router';

/** Where the admin API lives; it needs no auth and is never faulted or counted. */
export const ADMIN_PREFIX = '/__emulator/';

/**
 * The admin API, so tests in other processes can script the emulator:
 * - `GET /__emulator/state` — the EmulatorStateSummary (counts, requests, faults served, 429s
 *   served past the account limit as `throttled`)
 * - `POST /__emulator/faults` — add a FaultRule (the JSON body)
 * - `DELETE /__emulator/faults` — remove every fault
 * - `POST /__emulator/clock` `{ "advanceMs": n }` — move the emulator clock forward
 * - `POST /__emulator/config` — change run-time options (latencies, ID switches, listing delay,
 *   account limit)
 * - `POST /__emulator/reset` — forget every resource, operation, key, fault and count
 */
export function adminRoutes(core: EmulatorCore): Route[] {
  return [
    { method: 'GET', template: '/__emulator/state', handler: () => ({ status: 200, body: core.summary() }) },
    {
      method: 'POST',
      template: '/__emulator/faults',
      handler: (request) => {
        asBadRequest(() => core.faults.add(request.body));
        return { status: 201, body: { faults: core.faults.size } };
      },
    },
    {
      method: 'DELETE',
      template: '/__emulator/faults',
      handler: () => {
        core.faults.clear();
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      template: '/__emulator/clock',
      handler: (request) => {
        const advanceMs = (request.body as { advanceMs?: unknown } | undefined)?.advanceMs;
        if (typeof advanceMs !== 'number') throw badRequest('advanceMs: must be a non-negative number');
        asBadRequest(() => core.advanceClock(advanceMs));
        return { status: 200, body: { now: core.clock.iso() } };
      },
    },
    {
      method: 'POST',
      template: '/__emulator/config',
      handler: (request) => {
        asBadRequest(() => core.configure(request.body));
        return { status: 200, body: core.options };
      },
    },
    {
      method: 'POST',
      template: '/__emulator/reset',
      handler: () => {
        core.reset();
        return { status: 204 };
      },
    },
  ];
}

/** Turns an option or fault validation Error into a 400 carrying its message. */
function asBadRequest(apply: () => void): void {
  try {
    apply();
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
}
