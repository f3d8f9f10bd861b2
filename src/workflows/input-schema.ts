/**
 * How an input of the lifecycle workflows is defined, validated and refused: the zod building
 * blocks every input is made of, the one way to declare an input (`inputSchema`), and the one
 * error a refused input raises, naming every bad field and its rule.
 *
 * A worker preloads the workflow modules and deep-freezes what each exports
 * (src/workflow-bundle-options.ts), while zod writes to a schema as it parses and resets a
 * pattern's `lastIndex` before each test. So nothing here hands zod a frozen value: a block is a
 * function that builds a fresh schema, an input builds its schema on its first parse and keeps it
 * where no export reaches, and a pattern is copied by `matching()` (`.regex()` is not used).
 */
import { z } from 'zod';
import { hasLoneSurrogate, isUnsafeRecordKey, textProblem, UNSAFE_RECORD_KEYS } from '../api/field-rules';

export interface InputIssue {
  /** Dotted path of the field, e.g. `configuration.displayName`; `(input)` for the whole object. */
  path: string;
  message: string;
}

/** An input that broke a rule; the message lists every `field.path: rule`. */
export class InvalidInputError extends Error {
  readonly issues: InputIssue[];

  /** `subject` names the input in the message, e.g. `provisioning input`. */
  constructor(subject: string, issues: InputIssue[]) {
    super(`Invalid ${subject}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

export interface InputSchema<S extends z.ZodType> {
  /** The schema, built on first use: for a schema that reuses part of this one. */
  schema(): S;
  /** Validates raw input (e.g. parsed JSON): the input with its defaults, or the refusal. */
  parse(raw: unknown): z.output<S>;
}

/** What callers pass. */
export type InputOf<I extends InputSchema<z.ZodType>> = z.input<ReturnType<I['schema']>>;
/** What validation returns: the input with its defaults filled in. */
export type ParsedInputOf<I extends InputSchema<z.ZodType>> = z.output<ReturnType<I['schema']>>;

/** An input, refused with `refusal` (an `InvalidInputError`) listing every bad field. */
export function inputSchema<S extends z.ZodType>(
  build: () => S,
  refusal: new (issues: InputIssue[]) => InvalidInputError,
): InputSchema<S> {
  let built: S | undefined;
  const schema = (): S => (built ??= build());
  return {
    schema,
    parse(raw) {
      const parsed = schema().safeParse(raw, { error: requiredFieldMessage });
      if (parsed.success) return parsed.data;
      throw new refusal(parsed.error.issues.flatMap((issue) => toInputIssues(issue, [])));
    },
  };
}

/** Lower precedence than the schema's own messages: only fills in zod's generic ones. */
function requiredFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(input)' : path.map(String).join('.');
}

/**
 * A union's issue holds one issue list per branch. The branch with the fewest issues is the one
 * the caller meant (e.g. a store with a bad displayName); on a tie (e.g. `{}`) the union's own
 * message says which shapes are accepted.
 */
function toInputIssues(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): InputIssue[] {
  const path = [...prefix, ...issue.path];
  // A record's bad key: the key's own rule, at the key's path.
  if (issue.code === 'invalid_key') return issue.issues.flatMap((inner) => toInputIssues(inner, path));
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return [{ path: joinPath(path), message: issue.message }];
  }
  const sizes = issue.errors.map((branch) => branch.length);
  const fewest = Math.min(...sizes);
  const closest = issue.errors.filter((branch) => branch.length === fewest);
  if (closest.length !== 1 || !closest[0]) return [{ path: joinPath(path), message: issue.message }];
  return closest[0].flatMap((inner) => toInputIssues(inner, path));
}

// ---------- Building blocks ----------

/** A check that the text matches `pattern` (a copy of it: see the top of this file). */
export function matching(pattern: RegExp, rule: string) {
  return z.regex(new RegExp(pattern), rule);
}

/** Any text that is valid Unicode (no lone surrogates); used where a value may be anything. */
export function anyText() {
  return z.string().refine((text) => !hasLoneSurrogate(text), {
    message: 'must not hold a lone UTF-16 surrogate (not valid Unicode text)',
  });
}

/** Text a person can see: not blank, not whitespace or invisible characters only. Never trimmed. */
export function visibleText() {
  return z.string().check((payload) => {
    const problem = textProblem(payload.value);
    if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
  });
}

/** An enum matched exactly: a look-alike letter or an invisible character is not a value. */
export function exactly<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** Whole milliseconds, more than 0. */
export function positiveMs() {
  return z.number().int('must be whole milliseconds').positive('must be positive');
}

/**
 * A record keyed by user data. zod copies records into a new object, which skips a `__proto__`
 * key without a word: those keys are refused here, naming the key, before zod sees them.
 */
export function safeRecord<T extends z.ZodType>(record: T) {
  return z.preprocess<unknown, T, z.input<T>>((value, context) => {
    if (typeof value !== 'object' || value === null) return value;
    for (const key of Object.keys(value).filter(isUnsafeRecordKey)) {
      context.addIssue({
        code: 'custom',
        path: [key],
        input: value,
        message: `is not allowed as a key (${UNSAFE_RECORD_KEYS.join(', ')} are refused)`,
      });
    }
    // An issue here ends the pipe: the record never copies the object.
    return value;
  }, record);
}

/**
 * Either a new resource or an existing one. An input holding fields of both (a store's
 * displayName and an existingStoreId) is refused as contradictory, before either shape is tried:
 * nothing says which one was meant.
 */
export function newOrExisting<U extends z.ZodType>(
  shapes: U,
  fields: { create: string[]; existing: string; conflict: string },
) {
  return z.preprocess<unknown, U, z.input<U>>((value, context) => {
    if (typeof value !== 'object' || value === null) return value;
    const keys = Object.keys(value);
    if (keys.includes(fields.existing) && keys.some((key) => fields.create.includes(key))) {
      context.addIssue({ code: 'custom', input: value, message: fields.conflict });
    }
    return value;
  }, shapes);
}
