/**
 * Request bodies (with the API's own schemas, src/api/request-schemas.ts), options and fault
 * rules are checked with zod; this words what they refuse the way the emulator answers:
 * `field.path: rule` for every problem at once.
 */
import type { z } from 'zod';
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

/** What a schema leaves generic: a missing field, a wrong type, an unknown field. */
function genericRule(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is required'
      : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
  }
  return issue.code === 'unrecognized_keys' ? 'is not a known field' : undefined;
}

/**
 * `label.path: rule` per problem. Counts are worded as the API words them (`must have at most 2
 * items`), whatever the schema's own wording for the client's inputs; an unknown key is named
 * in the path; a record's bad key is reported at that key.
 */
function problems(issue: z.core.$ZodIssue, label: string, prefix: readonly PropertyKey[] = []): string[] {
  const path = [...prefix, ...issue.path];
  const at = (keys: readonly PropertyKey[]) => fieldPath(label, keys) || '(body)';
  switch (issue.code) {
    case 'invalid_key':
      return issue.issues.flatMap((inner) => problems(inner, label, path));
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${at([...path, key])}: ${issue.message}`);
    case 'too_big':
      if (issue.origin === 'array') return [`${at(path)}: must have at most ${String(issue.maximum)} items`];
      break;
    case 'too_small':
      if (issue.origin === 'array') {
        const minimum = Number(issue.minimum);
        return [`${at(path)}: must have at least ${minimum} item${minimum === 1 ? '' : 's'}`];
      }
      break;
  }
  return [`${at(path)}: ${issue.message}`];
}

/** The value parsed by `schema`, else `{ problems }` listing every problem under `label`. */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label = '',
): { data: z.output<S> } | { problems: string[] } {
  const parsed = schema.safeParse(value, { error: genericRule });
  if (parsed.success) return { data: parsed.data };
  return { problems: parsed.error.issues.flatMap((issue) => problems(issue, label)) };
}

/** Options and fault rules: the value parsed by `schema`, or an Error naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, label: string): z.output<S> {
  const checked = check(schema, value, label);
  if ('problems' in checked) throw new Error(checked.problems.join('; '));
  return checked.data;
}

/** A request body parsed by `schema`, or a 400 naming every problem. */
export function parseRequestBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw badRequest('body: a JSON object is required');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('body: must be a JSON object');
  }
  const checked = check(schema, body);
  if ('problems' in checked) throw invalidRequest(checked.problems);
  return checked.data;
}

/** The 400 for a request that breaks field rules, naming each: `Invalid request: a: rule; b: rule`. */
export function invalidRequest(problems: readonly string[]): EmulatorHttpError {
  return badRequest(`Invalid request: ${problems.join('; ')}`);
}
