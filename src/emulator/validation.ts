import {
  UNSAFE_RECORD_KEYS,
  hasLoneSurrogate,
  isUnsafeRecordKey,
  textProblem,
} from '../workflows/input-rules';
import { badRequest } from './errors';

export type JsonObject = Record<string, unknown>;

export interface StringRules {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** Allowed values, matched exactly (a look-alike or invisible character is not a value). */
  oneOf?: readonly string[];
  /** Refuses text a person would not see: blank, whitespace or invisible characters only. */
  visible?: boolean;
  /** Further rule on the value (e.g. an address format): its problem, or undefined. */
  problem?: (value: string) => string | undefined;
}

/**
 * Collects every problem of a request body as `field.path: rule`, then throws one 400 naming
 * them all, so a caller fixes its request in one round.
 */
export class Validator {
  private readonly issues: string[] = [];

  fail(path: string, rule: string): undefined {
    this.issues.push(`${path}: ${rule}`);
    return undefined;
  }

  /** Throws the 400 when any check failed. */
  done(): void {
    if (this.issues.length > 0) throw badRequest(`Invalid request: ${this.issues.join('; ')}`);
  }

  object(value: unknown, path: string, required = false): JsonObject | undefined {
    if (value === undefined || value === null) return required ? this.fail(path, 'is required') : undefined;
    if (typeof value !== 'object' || Array.isArray(value)) return this.fail(path, 'must be an object');
    return value as JsonObject;
  }

  string(value: unknown, path: string, rules: StringRules = {}): string | undefined {
    if (value === undefined || value === null)
      return rules.required ? this.fail(path, 'is required') : undefined;
    if (typeof value !== 'string') return this.fail(path, 'must be a string');
    if (hasLoneSurrogate(value)) return this.fail(path, 'must not hold a lone UTF-16 surrogate');
    if (rules.oneOf && !rules.oneOf.includes(value)) {
      return this.fail(path, `must be one of ${rules.oneOf.join(', ')} (got '${value}')`);
    }
    if (rules.minLength !== undefined && value.length < rules.minLength) {
      return this.fail(
        path,
        `must be at least ${rules.minLength} character${rules.minLength === 1 ? '' : 's'}`,
      );
    }
    if (rules.maxLength !== undefined && value.length > rules.maxLength) {
      return this.fail(path, `must be at most ${rules.maxLength} characters (got ${value.length})`);
    }
    if (rules.pattern && !rules.pattern.test(value)) {
      return this.fail(path, `must match ${rules.pattern.source}`);
    }
    const problem = (rules.visible ? textProblem(value) : undefined) ?? rules.problem?.(value);
    return problem ? this.fail(path, problem) : value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'boolean' ? value : this.fail(path, 'must be a boolean');
  }

  integer(value: unknown, path: string, minimum: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(path, 'must be an integer');
    return value >= minimum ? value : this.fail(path, `must be at least ${minimum}`);
  }

  array(
    value: unknown,
    path: string,
    limits: { required?: boolean; minItems?: number; maxItems?: number } = {},
  ): unknown[] | undefined {
    if (value === undefined || value === null)
      return limits.required ? this.fail(path, 'is required') : undefined;
    if (!Array.isArray(value)) return this.fail(path, 'must be an array');
    if (limits.minItems !== undefined && value.length < limits.minItems) {
      return this.fail(path, `must have at least ${limits.minItems} item${limits.minItems === 1 ? '' : 's'}`);
    }
    if (limits.maxItems !== undefined && value.length > limits.maxItems) {
      return this.fail(path, `must have at most ${limits.maxItems} items (got ${value.length})`);
    }
    return value as unknown[];
  }

  /**
   * An object keyed by user data: refuses the keys that would reach a prototype when copied
   * (JSON.parse keeps `__proto__` as an ordinary key).
   */
  record(value: unknown, path: string): JsonObject | undefined {
    const record = this.object(value, path);
    if (!record) return undefined;
    for (const key of Object.keys(record).filter(isUnsafeRecordKey)) {
      this.fail(`${path}.${key}`, `is not allowed as a key (${UNSAFE_RECORD_KEYS.join(', ')} are refused)`);
    }
    return record;
  }

  /** A map of string values, e.g. capture-rule metadata or content variables. */
  stringMap(value: unknown, path: string): Record<string, string> | undefined {
    const map = this.record(value, path);
    if (!map) return undefined;
    for (const [key, entry] of Object.entries(map)) this.string(entry, `${path}.${key}`, { required: true });
    return map as Record<string, string>;
  }

  /** Refuses properties outside `allowed` (for objects the spec closes). */
  onlyKnown(object: JsonObject, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key))
        this.fail(`${path}.${key}`, `is not a known field (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** The request body as an object, or a 400 naming the rule. */
export function requireBodyObject(body: unknown): JsonObject {
  if (body === undefined) throw badRequest('body: a JSON object is required');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body: must be a JSON object');
  }
  return body as JsonObject;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
