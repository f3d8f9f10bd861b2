import { TWILIO_ERROR_CODES } from './errors';
import type { FaultRule } from './types';
import type { WorkFault } from './work-fault';

/** What the server does to one request because of a fault rule. */
export type FaultAction =
  | { kind: 'status'; status: 429 | 500 | 503; retryAfter?: number | 'http-date' }
  | { kind: 'reset' }
  | { kind: 'accept-then-drop' }
  | { kind: 'latency'; ms: number }
  | { kind: 'retry-after-date'; seconds: number }
  | { kind: 'work'; fault: WorkFault };

interface ActiveRule {
  rule: FaultRule;
  pathPattern?: RegExp;
  /** Applications left. */
  remaining: number;
}

/**
 * Scripted faults, checked in the order they were added; the first rule that matches the request
 * and wins its `rate` roll applies. `operation-fails` / `operation-stuck` only match requests that
 * create an operation or action, and count against `times` only when that work is created.
 */
export class FaultRules {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const checked = parseFaultRule(rule);
    this.rules.push({
      rule: checked,
      pathPattern: checked.match?.path === undefined ? undefined : new RegExp(checked.match.path),
      remaining: checked.times ?? Infinity,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes over `other`'s rules (validated there), dropping this list's. */
  replaceWith(other: FaultRules): void {
    this.rules = other.rules;
  }

  get size(): number {
    return this.rules.length;
  }

  pick(method: string, path: string, createsWork: boolean): FaultAction | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      const isWorkFault = rule.kind === 'operation-fails' || rule.kind === 'operation-stuck';
      if (isWorkFault && !createsWork) continue;
      if (rule.match?.method !== undefined && rule.match.method.toUpperCase() !== method) continue;
      if (active.pathPattern && !active.pathPattern.test(path)) continue;
      if (rule.rate !== undefined && Math.random() >= rule.rate) continue;
      if (isWorkFault) return { kind: 'work', fault: this.workFault(active) };
      this.use(active);
      return actionOf(rule);
    }
    return undefined;
  }

  private workFault(active: ActiveRule): WorkFault {
    const rule = active.rule;
    const error = rule.kind === 'operation-fails' ? rule.error : undefined;
    return {
      outcome: rule.kind === 'operation-stuck' ? 'stuck' : 'fail',
      error: {
        title: error?.title ?? 'Operation failed',
        detail: error?.detail ?? 'The operation failed (emulator fault: operation-fails)',
        code: error?.code ?? TWILIO_ERROR_CODES.internal,
      },
      claim: () => this.use(active),
    };
  }

  private use(active: ActiveRule): void {
    active.remaining--;
    if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
  }
}

function actionOf(rule: FaultRule): FaultAction {
  switch (rule.kind) {
    case 'status':
      return { kind: 'status', status: rule.status, retryAfter: rule.retryAfter };
    case 'latency':
      return { kind: 'latency', ms: rule.ms };
    case 'retry-after-date':
      return { kind: 'retry-after-date', seconds: rule.seconds };
    case 'reset':
    case 'accept-then-drop':
      return { kind: rule.kind };
    default:
      throw new Error(`fault kind ${rule.kind} has no request action`);
  }
}

const KINDS = [
  'status',
  'reset',
  'accept-then-drop',
  'latency',
  'operation-fails',
  'operation-stuck',
  'retry-after-date',
] as const;

/** Checks a fault rule from options or the admin API; throws an Error naming the field and rule. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('fault: must be an object');
  const rule = value as Record<string, unknown>;
  const kind = rule.kind as (typeof KINDS)[number];
  if (!KINDS.includes(kind)) throw new Error(`fault.kind: must be one of ${KINDS.join(', ')}`);
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && (rule.times as number) >= 1)) {
    throw new Error('fault.times: must be an integer >= 1');
  }
  if (rule.rate !== undefined && !(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) {
    throw new Error('fault.rate: must be a number from 0 to 1');
  }
  checkMatch(rule.match);
  if (kind === 'status') {
    if (![429, 500, 503].includes(rule.status as number))
      throw new Error('fault.status: must be 429, 500 or 503');
    const retryAfter = rule.retryAfter;
    if (retryAfter !== undefined && retryAfter !== 'http-date' && !isNonNegativeInteger(retryAfter)) {
      throw new Error("fault.retryAfter: must be a non-negative integer of seconds or 'http-date'");
    }
  }
  if (kind === 'latency' && !isNonNegativeInteger(rule.ms))
    throw new Error('fault.ms: must be a non-negative integer');
  if (kind === 'retry-after-date' && !isNonNegativeInteger(rule.seconds)) {
    throw new Error('fault.seconds: must be a non-negative integer');
  }
  return rule as FaultRule;
}

function checkMatch(match: unknown): void {
  if (match === undefined) return;
  if (typeof match !== 'object' || match === null) throw new Error('fault.match: must be an object');
  const { method, path } = match as Record<string, unknown>;
  if (method !== undefined && typeof method !== 'string')
    throw new Error('fault.match.method: must be a string');
  if (path !== undefined) {
    if (typeof path !== 'string')
      throw new Error('fault.match.path: must be a regular expression source string');
    try {
      new RegExp(path);
    } catch {
      throw new Error(`fault.match.path: not a valid regular expression: ${path}`);
    }
  }
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
