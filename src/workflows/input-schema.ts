/**
 * How an input of the lifecycle workflows is declared, validated and refused: `inputSchema`, the
 * one error a refused input raises (naming every bad field and its rule), and the few building
 * blocks only the inputs use; the API's field schemas and blocks are in src/api/request-schemas.
 *
 * A worker preloads the workflow modules and deep-freezes what each exports
 * (src/workflow-bundle-options.ts), while zod writes to a schema as it parses. So no schema is
 * exported: a block is a function that builds a fresh schema, and an input builds its schema on
 * its first parse, once the exports are frozen, and keeps it where no export reaches.
 */
import { z } from 'zod';

export interface InputIssue {
  /** Path of the field, e.g. `configuration.displayName` (see `indices`); `(input)` for the whole object. */
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

export interface InputSchemaOptions {
  /**
   * How an issue's path shows an array index: `dotted` (`message.to.0.address`, what the
   * provisioning CLI maps to its flags) or `bracketed` (`tenants[12].store`, as a file is read).
   * @default 'dotted'
   */
  indices?: 'dotted' | 'bracketed';
}

/** An input, refused with `refusal` (an `InvalidInputError`) listing every bad field. */
export function inputSchema<S extends z.ZodType>(
  build: () => S,
  refusal: new (issues: InputIssue[]) => InvalidInputError,
  { indices = 'dotted' }: InputSchemaOptions = {},
): InputSchema<S> {
  let built: S | undefined;
  const schema = (): S => (built ??= build());
  const joinPath = indices === 'dotted' ? dottedPath : bracketedPath;
  return {
    schema,
    parse(raw) {
      const parsed = schema().safeParse(raw, { error: requiredFieldMessage });
      if (parsed.success) return parsed.data;
      throw new refusal(parsed.error.issues.flatMap((issue) => toInputIssues(issue, [], joinPath)));
    },
  };
}

/** Lower precedence than the schema's own messages: only fills in zod's generic ones. */
function requiredFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}

type JoinPath = (path: readonly PropertyKey[]) => string;

function dottedPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(input)' : path.map(String).join('.');
}

/** zod gives array indices as numbers and record keys as strings, so `[0]` is never a key `"0"`. */
function bracketedPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(input)';
  return path
    .map((part, at) =>
      typeof part === 'number' ? `[${part}]` : at === 0 ? String(part) : `.${String(part)}`,
    )
    .join('');
}

/**
 * A union's issue holds one issue list per branch. The branch with the fewest issues is the one
 * the caller meant (e.g. a store with a bad displayName); on a tie (e.g. `{}`) the union's own
 * message says which shapes are accepted.
 */
function toInputIssues(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  joinPath: JoinPath,
): InputIssue[] {
  const path = [...prefix, ...issue.path];
  // A record's bad key: the key's own rule, at the key's path.
  if (issue.code === 'invalid_key')
    return issue.issues.flatMap((inner) => toInputIssues(inner, path, joinPath));
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return [{ path: joinPath(path), message: issue.message }];
  }
  const sizes = issue.errors.map((branch) => branch.length);
  const fewest = Math.min(...sizes);
  const closest = issue.errors.filter((branch) => branch.length === fewest);
  if (closest.length !== 1 || !closest[0]) return [{ path: joinPath(path), message: issue.message }];
  return closest[0].flatMap((inner) => toInputIssues(inner, path, joinPath));
}

// ---------- Building blocks of the inputs alone (the API's are in src/api/request-schemas) ----------

/** Whole milliseconds, more than 0. */
export function positiveMs() {
  return z.number().int('must be whole milliseconds').positive('must be positive');
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
