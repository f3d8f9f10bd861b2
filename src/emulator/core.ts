import { AccountLimiter } from './account-limit';
import { ActionRegistry } from './actions';
import { EmulatorClock } from './clock';
import { FaultRules } from './faults';
import { IdempotencyKeys } from './idempotency';
import { type OperationRecord, OperationRegistry, type StartOperation } from './operations';
import { type RuntimeOptions, applyChanges } from './options';
import { PageTokens } from './pagination';
import type { ApiReply, ApiRequest } from './router';
import { SettleScheduler } from './settlement';
import { EmulatorState } from './state';
import type { EmulatorStateSummary } from './types';

/** Everything the route handlers share: state, clock, operations, keys, faults and options. */
export class EmulatorCore {
  readonly clock = new EmulatorClock();
  readonly scheduler = new SettleScheduler();
  readonly state = new EmulatorState();
  readonly operations = new OperationRegistry(this.clock, this.scheduler);
  readonly actions = new ActionRegistry(this.clock, this.scheduler);
  readonly idempotency = new IdempotencyKeys(this.clock);
  readonly pageTokens = new PageTokens();
  readonly faults = new FaultRules();
  /** Requests in flight and 429s served past `options.accountLimit`. */
  readonly accountLimiter = new AccountLimiter();
  /** Requests received, by `METHOD template`. */
  readonly requestCounts = new Map<string, number>();

  constructor(
    public options: RuntimeOptions,
    readonly accountSid: string,
  ) {}

  /** Changes run-time options; `faults`, when given, replaces the fault list. Checked first. */
  configure(changes: unknown): void {
    const { options, faults } = applyChanges(this.options, changes);
    this.options = options;
    if (faults) this.faults.replace(faults);
  }

  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceMs: must be a non-negative number');
    this.clock.advance(ms);
    this.scheduler.runDue(this.clock.now());
  }

  /**
   * Starts an async operation for `request`: its `statusUrl` is built on the address the client
   * used, it settles after the configured operation latency, and a scripted fault applies to it.
   */
  startOperation(
    request: ApiRequest,
    work: Omit<StartOperation, 'baseUrl' | 'latency' | 'fault'>,
  ): OperationRecord {
    return this.operations.start({
      ...work,
      baseUrl: request.baseUrl,
      latency: this.options.operationLatency,
      fault: request.workFault,
    });
  }

  /** The 202 of an async operation: `Operation-Id`, `Retry-After` and `Location` headers. */
  accepted(operation: OperationRecord, body: unknown): ApiReply {
    return {
      status: 202,
      body,
      headers: {
        'Operation-Id': operation.id,
        'Retry-After': String(this.options.retryAfterSeconds),
        Location: operation.statusUrl,
      },
    };
  }

  summary(): EmulatorStateSummary {
    let stores = 0;
    for (const store of this.state.stores.values()) if (store.status !== 'FAILED') stores++;
    return {
      stores,
      configurations: this.state.configurations.size,
      conversations: this.state.conversations.size,
      messagesSent: this.state.messagesSent,
      operations: this.operations.summary(),
      requests: Object.fromEntries(this.requestCounts),
      faultsServed: this.faults.servedCounts(),
      throttled: this.accountLimiter.throttled,
    };
  }

  /**
   * Forgets every resource, operation, key, fault, count and clock offset, and refills the
   * account limit's bucket (options stay).
   */
  reset(): void {
    this.clock.reset();
    this.state.clear();
    this.operations.clear();
    this.actions.clear();
    this.scheduler.clear();
    this.idempotency.clear();
    this.faults.reset();
    this.requestCounts.clear();
    this.accountLimiter.reset();
  }
}
