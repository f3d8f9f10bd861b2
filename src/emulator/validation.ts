/**
 * Request bodies (with the API's own schemas, src/api/request-schemas.ts, as the API checks
 * them), options and fault rules are checked with zod; this words what they refuse the way the
 * emulator answers: `field.path: rule` for every field at once, one rule per field, naming the
 * value where that helps (`must be one of SMS, CHAT (got 'FAX')`).
 */
import type { z } from 'zod';
import { hasLoneSurrogate } from '../api/field-rules';
import { fieldPath } from '../api/schemas';
import { type EmulatorHttpError, badRequest } from './errors';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  boolean: 'a boolean',
  number: 'an integer',
  int: 'an integer',
};

const LONE_SURROGATE_RULE = 'must not hold a lone UTF-16 surrogate (not valid Unicode text)';

/** What a schema leaves generic: a missing field, a wrong type, an unknown field. */
function genericRule(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is required'
      : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  return issue.code === 'unrecognized_keys' ? 'is not a known field' : undefined;
}

/** The rule `issue` breaks, in the emulator's words. */
function rule(issue: z.core.$ZodIssue): string {
  const { input } = issue;
  // Text that is not valid Unicode is refused as that, whatever else a text field asks of it.
  if (issue.code !== 'invalid_type' && typeof input === 'string' && hasLoneSurrogate(input)) {
    return LONE_SURROGATE_RULE;
  }
  switch (issue.code) {
    case 'invalid_value':
      // An enum of words: a value of another type is refused as such; a wrong word is named.
      if (input === undefined || !issue.values.every((value) => typeof value === 'string')) break;
      return typeof input === 'string' ? `${issue.message} (got '${input}')` : 'must be a string';
    case 'too_big':
      // Limits are worded as the API words them, whatever the schema's own wording for the client.
      if (issue.origin === 'string' && typeof input === 'string')
        return `must be at most ${String(issue.maximum)} characters (got ${input.length})`;
      if (issue.origin === 'array' && Array.isArray(input))
        return `must have at most ${String(issue.maximum)} items (got ${input.length})`;
      break;
    case 'too_small':
      if (issue.origin === 'array') {
        const minimum = Number(issue.minimum);
        return `must have at least ${minimum} item${minimum === 1 ? '' : 's'}`;
      }
      break;
  }
  return issue.message;
}

/**
 * `[path, rule]` per problem: an unknown key is named in the path, a record's bad key at that key.
 */
function problems(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): [PropertyKey[], string][] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'invalid_key':
      return issue.issues.flatMap((inner) => problems(inner, path));
    case 'unrecognized_keys':
      return issue.keys.map((key) => [[...path, key], issue.message]);
    default:
      return [[path, rule(issue)]];
  }
}

/**
 * The value parsed by `schema`, else `{ problems }` listing, under `label`, the first problem of
 * each field (zod may find several: a value of the wrong type also breaks the limits on it).
 */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label = '',
): { data: z.output<S> } | { problems: string[] } {
  const parsed = schema.safeParse(value, { error: genericRule, reportInput: true });
  if (parsed.success) return { data: parsed.data };
  const byField = new Map<string, string>();
  for (const [path, broken] of parsed.error.issues.flatMap((issue) => problems(issue))) {
    const field = fieldPath(label, path) || '(body)';
    if (!byField.has(field)) byField.set(field, `${field}: ${broken}`);
  }
  return { problems: [...byField.values()] };
}

/** Options and fault rules: the value parsed by `schema`, or an Error naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, label = ''): z.output<S> {
  const checked = check(schema, value, label);
  if ('problems' in checked) throw new Error(checked.problems.join('; '));
  return checked.data;
}

/**
 * A request body parsed by `schema`, or a 400 naming every problem. A `null` field counts as one
 * left out (`is required` where the field is).
 */
export function parseRequestBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw badRequest('body: a JSON object is required');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body: must be a JSON object');
  }
  const checked = check(schema, nullsAsAbsent(body));
  if ('problems' in checked) throw invalidRequest(checked.problems);
  return checked.data;
}

/** The 400 for a request that breaks field rules, naming each: `Invalid request: a: rule; b: rule`. */
export function invalidRequest(problems: readonly string[]): EmulatorHttpError {
  return badRequest(`Invalid request: ${problems.join('; ')}`);
}

/**
 * A copy of parsed JSON with every `null` made `undefined`, the key kept: an optional field is
 * then absent, a required one (or an array item, a map's value) `is required`. Walked with a list,
 * not recursion: JSON.parse takes nesting deeper than the call stack.
 */
export function nullsAsAbsent(json: unknown): unknown {
  const root: { value?: unknown } = {};
  // Each entry: where the copy goes, under which key, and what to copy.
  const pending: [object, PropertyKey, unknown][] = [[root, 'value', json]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [parent, key, value] = next;
    let copy: unknown = value ?? undefined;
    if (Array.isArray(value)) {
      copy = new Array<unknown>(value.length);
      value.forEach((item, index) => pending.push([copy as unknown[], index, item]));
    } else if (typeof value === 'object' && value !== null) {
      copy = {};
      for (const [name, item] of Object.entries(value)) pending.push([copy as object, name, item]);
    }
    // Defined, not assigned: a `__proto__` key stays a key (as JSON.parse left it) for the
    // schemas to refuse, instead of replacing the copy's prototype.
    Object.defineProperty(parent, key, { value: copy, enumerable: true, writable: true, configurable: true });
  }
  return root.value;
}
