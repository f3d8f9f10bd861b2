import type { EmulatorClock } from './clock';
import { newId } from './ids';
import { type PendingWork, type SettleRule, SettleScheduler, settleRuleFor } from './settlement';
import type { Latency } from './types';
import type { WorkFailure, WorkFault } from './work-fault';

export type OperationHost = 'memory' | 'conversations';
export type OperationState = 'PENDING' | 'COMPLETED' | 'FAILED';

export interface StartOperation {
  host: OperationHost;
  /** Scheme, host and port the client reached the emulator on; `statusUrl` is built on it. */
  baseUrl: string;
  latency: Latency;
  related?: Record<string, string>;
  /** Reported as `result: { type: 'RESOURCE_ID', id }` once COMPLETED. */
  resultId?: string;
  fault?: WorkFault;
  /** Applies the change; runs when the operation completes. */
  complete: () => void;
  /** Releases what the request reserved; runs when the operation fails. */
  fail?: () => void;
}

const OPERATION_PATHS: Record<OperationHost, string> = {
  memory: '/v1/ControlPlane/Operations/',
  conversations: '/v2/ControlPlane/Operations/',
};

export class OperationRecord implements PendingWork {
  readonly id = newId('operation');
  readonly statusUrl: string;
  readonly rule: SettleRule;
  status: OperationState = 'PENDING';
  completedAt?: number;
  error?: WorkFailure;
  reads = 0;

  constructor(
    private readonly spec: StartOperation,
    readonly createdAt: number,
    private readonly onSettled: (op: OperationRecord) => void,
  ) {
    this.statusUrl = `${spec.baseUrl}${OPERATION_PATHS[spec.host]}${this.id}`;
    this.rule = spec.fault?.outcome === 'stuck' ? { kind: 'never' } : settleRuleFor(spec.latency, createdAt);
  }

  get host(): OperationHost {
    return this.spec.host;
  }

  get related(): Record<string, string> | undefined {
    return this.spec.related;
  }

  get resultId(): string | undefined {
    return this.spec.resultId;
  }

  isPending(): boolean {
    return this.status === 'PENDING';
  }

  settle(now: number): void {
    if (this.spec.fault?.outcome === 'fail') {
      this.error = this.spec.fault.error;
      this.status = 'FAILED';
      this.spec.fail?.();
    } else {
      this.status = 'COMPLETED';
      this.spec.complete();
    }
    this.completedAt = now;
    this.onSettled(this);
  }
}

export interface OperationCounts {
  total: number;
  pending: number;
  completed: number;
  failed: number;
}

/** Every async operation, by ID; counts are kept as operations move so `summary()` never scans. */
export class OperationRegistry {
  private readonly operations = new Map<string, OperationRecord>();
  private counts: OperationCounts = { total: 0, pending: 0, completed: 0, failed: 0 };

  constructor(
    private readonly clock: EmulatorClock,
    private readonly scheduler: SettleScheduler,
  ) {}

  start(spec: StartOperation): OperationRecord {
    spec.fault?.claim();
    const op = new OperationRecord(spec, this.clock.now(), (settled) => {
      this.counts.pending--;
      if (settled.status === 'COMPLETED') this.counts.completed++;
      else this.counts.failed++;
    });
    this.operations.set(op.id, op);
    this.counts.total++;
    this.counts.pending++;
    this.scheduler.track(op);
    this.scheduler.runDue(this.clock.now());
    return op;
  }

  /** A status read: returns the operation (settling it on its Nth read) or undefined. */
  read(id: string, host: OperationHost): OperationRecord | undefined {
    const op = this.operations.get(id);
    if (op === undefined || op.host !== host) return undefined;
    this.scheduler.recordRead(op, this.clock.now());
    return op;
  }

  summary(): OperationCounts {
    return { ...this.counts };
  }

  clear(): void {
    this.operations.clear();
    this.counts = { total: 0, pending: 0, completed: 0, failed: 0 };
  }
}
