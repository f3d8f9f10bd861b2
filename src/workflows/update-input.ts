/**
 * The request to update a configuration, validated by one zod schema at the client (before
 * anything starts) and by the workflow's update validator (before the update is accepted).
 *
 * Deterministic and free of I/O: the workflow bundle imports this file. Its schemas are not
 * exported, for the reason ./provision-input gives.
 */
import { z } from 'zod';
import { CONFIGURATION_ID_PATTERN } from './input-rules';
import {
  configurationPatchSchema,
  requiredFieldMessage,
  toInputIssues,
  type InputIssue,
  unfrozen,
} from './provision-input';

const CONFIGURATION_ID_MAX_LENGTH = 200;

/** Fields a configuration has that no caller sets: the API (or the provisioning) owns them. */
export const READ_ONLY_FIELDS = ['id', 'memoryStoreId', 'version', 'createdAt', 'updatedAt'] as const;
const configurationPatch = configurationPatchSchema();
/** Every field a patch may set. */
export const MUTABLE_FIELDS = Object.keys(configurationPatch.shape);

/** Tries (read, apply, `PUT`) an update makes while others change the configuration in between. */
export const DEFAULT_MAX_TRIES = 3;
export const MAX_TRIES_LIMIT = 10;

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Each field of the patch named before zod's strict object sees it: a read-only field and an
 * unknown one are told apart, and the message lists what may be set.
 */
const patch = z.preprocess<unknown, typeof configurationPatch, z.input<typeof configurationPatch>>(
  (value, context) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const settable = `fields a patch may set: ${MUTABLE_FIELDS.join(', ')}`;
    for (const key of Object.keys(value)) {
      if (MUTABLE_FIELDS.includes(key)) continue;
      const readOnly = (READ_ONLY_FIELDS as readonly string[]).includes(key);
      context.addIssue({
        code: 'custom',
        path: [key],
        input: value,
        message: readOnly
          ? `is read-only (the API or the provisioning sets it); ${settable}`
          : `is not a configuration field; ${settable}`,
      });
    }
    if (Object.keys(value).length === 0) {
      context.addIssue({ code: 'custom', input: value, message: `sets no field; ${settable}` });
    }
    // An issue here ends the pipe: the strict object never reports the same keys again.
    return value;
  },
  configurationPatch,
);

const updateRequestSchema = z.strictObject({
  configurationId: z
    .string()
    .max(CONFIGURATION_ID_MAX_LENGTH, `must be at most ${CONFIGURATION_ID_MAX_LENGTH} characters`)
    .regex(unfrozen(CONFIGURATION_ID_PATTERN), 'must be a configuration ID (conv_configuration_...)'),
  patch,
  /**
   * Names this request: the same requestId twice is one update, applied once. Without it, the
   * request is named by a digest of the configuration ID and the patch.
   */
  requestId: z
    .string()
    .regex(REQUEST_ID_PATTERN, 'must be 1-128 letters, digits, dots, dashes, underscores or colons')
    .optional(),
  maxTries: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_TRIES_LIMIT, `must be at most ${MAX_TRIES_LIMIT}`)
    .default(DEFAULT_MAX_TRIES),
});

/** What callers pass. */
export type UpdateRequest = z.input<typeof updateRequestSchema>;
/** What validation returns: `maxTries` filled in. */
export type ParsedUpdateRequest = z.output<typeof updateRequestSchema>;

/** Thrown by `parseUpdateRequest`; the message lists every `field.path: rule`. */
export class InvalidUpdateRequestError extends Error {
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(`Invalid configuration update: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidUpdateRequestError';
    this.issues = issues;
  }
}

export function parseUpdateRequest(raw: unknown): ParsedUpdateRequest {
  return parseWith(updateRequestSchema, raw);
}

function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw, { error: requiredFieldMessage });
  if (parsed.success) return parsed.data;
  throw new InvalidUpdateRequestError(parsed.error.issues.flatMap((issue) => toInputIssues(issue, [])));
}

/** How long the updates workflow of a configuration waits for another update before it ends. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
const MAX_IDLE_TIMEOUT_MS = 24 * 3_600_000;

/** The input of a configuration's updates workflow (each patch arrives as a Workflow Update). */
const updatesInputSchema = z.strictObject({
  configurationId: updateRequestSchema.shape.configurationId,
  idleTimeoutMs: z
    .number()
    .int('must be whole milliseconds')
    .min(1_000, 'must be at least 1000 (one second)')
    .max(MAX_IDLE_TIMEOUT_MS, 'must be at most 24 hours')
    .default(DEFAULT_IDLE_TIMEOUT_MS),
});

export type UpdatesInput = z.input<typeof updatesInputSchema>;

export function parseUpdatesInput(raw: unknown): z.output<typeof updatesInputSchema> {
  return parseWith(updatesInputSchema, raw);
}
