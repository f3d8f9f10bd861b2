import { z } from 'zod';
import { TWILIO_ERROR_CODES } from './errors';
import { parseOrThrow } from './validation';
import type { WorkFault } from './work-fault';

const RETRY_AFTER_RULE = "must be a non-negative integer of seconds or 'http-date'";

const nonNegativeInteger = (rule = 'must be a non-negative integer') =>
  z.int({ error: rule }).min(0, { error: rule });

const base = {
  /** Which requests the rule applies to. All given fields must match. */
  match: z
    .object(
      {
        method: z.string({ error: 'must be a string' }).optional(),
        /** A regular expression (source text) tested against the path, e.g. `^/v1/ControlPlane/Stores$`. */
        path: z
          .string({ error: 'must be a regular expression source string' })
          .refine(isRegExpSource, {
            error: (issue) => `not a valid regular expression: ${String(issue.input)}`,
          })
          .optional(),
      },
      { error: 'must be an object' },
    )
    .optional(),
  /** Applications before the rule is dropped. @default unlimited */
  times: z.int({ error: 'must be an integer >= 1' }).min(1, { error: 'must be an integer >= 1' }).optional(),
  /** Probability that a matching request gets the fault. @default 1 */
  rate: z
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' })
    .optional(),
};

/**
 * One scripted fault. Applies to matching requests, `times` times, each with probability `rate`,
 * in the order rules were added (first match wins).
 */
export const faultRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      ...base,
      kind: z.literal('status'),
      status: z.literal([429, 500, 503], { error: 'must be 429, 500 or 503' }),
      retryAfter: z
        .union([nonNegativeInteger(RETRY_AFTER_RULE), z.literal('http-date')], { error: RETRY_AFTER_RULE })
        .optional(),
    }),
    z.object({ ...base, kind: z.literal('reset') }),
    /** The request is applied, then the connection is destroyed before any response byte. */
    z.object({ ...base, kind: z.literal('accept-then-drop') }),
    z.object({ ...base, kind: z.literal('latency'), ms: nonNegativeInteger() }),
    /**
     * The next matching async operation (or action) ends FAILED, with `error` in its body: each
     * part left out (or null) is the default's. A part of the wrong type would break the
     * operation's documented shape, so it is refused.
     */
    z.object({
      ...base,
      kind: z.literal('operation-fails'),
      error: z
        .object({ title: z.string().nullish(), detail: z.string().nullish(), code: z.int().nullish() })
        .nullish(),
    }),
    /** The next matching async operation (or action) stays PENDING forever. */
    z.object({ ...base, kind: z.literal('operation-stuck') }),
    /** `Retry-After` on matching responses is an HTTP-date `seconds` ahead instead of delay-seconds. */
    z.object({ ...base, kind: z.literal('retry-after-date'), seconds: nonNegativeInteger() }),
  ],
  {
    // The union's own refusals: an unknown kind (the issue lists the kinds), or not an object.
    error: (issue) =>
      'options' in issue ? `must be one of ${(issue.options as unknown[]).join(', ')}` : 'must be an object',
  },
);

export type FaultRule = z.input<typeof faultRuleSchema>;
export type FaultMatch = NonNullable<FaultRule['match']>;

function isRegExpSource(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

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
 * Counts the faults served, so a test can tell a fault that fired from one that never did.
 */
export class FaultRules {
  private rules: ActiveRule[] = [];
  private readonly served = new Map<string, number>();

  /** Adds a rule from options or the admin API; throws an Error naming the field and the rule. */
  add(rule: unknown): void {
    this.rules.push(activate(parseOrThrow(faultRuleSchema, rule, 'fault')));
  }

  /** Replaces every rule with `rules` (already checked). */
  replace(rules: readonly FaultRule[]): void {
    this.rules = rules.map(activate);
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * Records a fault that took effect: `status` faults by their status (`429`), others by kind.
   * A `retry-after-date` counts only when the response had a `Retry-After` to rewrite.
   */
  recordServed(action: Exclude<FaultAction, { kind: 'work' }>): void {
    this.count(action.kind === 'status' ? String(action.status) : action.kind);
  }

  /** Faults served since the last reset, by status or kind. */
  servedCounts(): Record<string, number> {
    return Object.fromEntries(this.served);
  }

  /** Forgets the rules and the counts. */
  reset(): void {
    this.clear();
    this.served.clear();
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
      claim: () => {
        this.use(active);
        this.count(rule.kind);
      },
    };
  }

  private use(active: ActiveRule): void {
    active.remaining--;
    if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
  }

  private count(key: string): void {
    this.served.set(key, (this.served.get(key) ?? 0) + 1);
  }
}

function activate(rule: FaultRule): ActiveRule {
  return {
    rule,
    pathPattern: rule.match?.path === undefined ? undefined : new RegExp(rule.match.path),
    remaining: rule.times ?? Infinity,
  };
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
