/**
 * The request to update a configuration, validated by one schema at the client (before anything
 * starts) and by the workflow's update validator (before the update is accepted); and the input
 * of the configuration's updates workflow.
 */
import { z } from 'zod';
import { CONFIGURATION_ID_PATTERN } from '../api/field-rules';
import { matching } from '../api/request-schemas';
import { configurationPatchSchema } from './configuration-input';
import {
  inputSchema,
  InvalidInputError,
  type InputIssue,
  type InputOf,
  type ParsedInputOf,
} from './input-schema';

const CONFIGURATION_ID_MAX_LENGTH = 200;

/** Fields a configuration has that no caller sets: the API (or the provisioning) owns them. */
const READ_ONLY_FIELDS: readonly string[] = ['id', 'memoryStoreId', 'version', 'createdAt', 'updatedAt'];
/** Every field a patch may set. */
const MUTABLE_FIELDS = Object.keys(configurationPatchSchema().shape);

/** Tries (read, apply, `PUT`) an update makes while others change the configuration in between. */
const DEFAULT_MAX_TRIES = 3;
const MAX_TRIES_LIMIT = 10;

/** How long the updates workflow of a configuration waits for another update before it ends. */
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
const MAX_IDLE_TIMEOUT_MS = 24 * 3_600_000;

/**
 * Each field of the patch named before zod's strict object sees it: a read-only field and an
 * unknown one are told apart, and the message lists what may be set.
 */
function patch() {
  const fields = configurationPatchSchema();
  return z.preprocess<unknown, typeof fields, z.input<typeof fields>>((value, context) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const settable = `fields a patch may set: ${MUTABLE_FIELDS.join(', ')}`;
    for (const key of Object.keys(value)) {
      if (MUTABLE_FIELDS.includes(key)) continue;
      const readOnly = READ_ONLY_FIELDS.includes(key);
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
  }, fields);
}

function configurationId() {
  return z
    .string()
    .max(CONFIGURATION_ID_MAX_LENGTH, `must be at most ${CONFIGURATION_ID_MAX_LENGTH} characters`)
    .check(matching(CONFIGURATION_ID_PATTERN, 'must be a configuration ID (conv_configuration_...)'));
}

/** Thrown by `parseUpdateRequest` and `parseUpdatesInput`; the message lists every `field.path: rule`. */
export class InvalidUpdateRequestError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('configuration update', issues);
    this.name = 'InvalidUpdateRequestError';
  }
}

const updateRequest = inputSchema(
  () =>
    z.strictObject({
      configurationId: configurationId(),
      patch: patch(),
      /**
       * Names this request: the same requestId twice is one update, applied once. Without it, the
       * request is named by a digest of the configuration ID and the patch.
       */
      requestId: z
        .string()
        .check(
          matching(
            /^[A-Za-z0-9._:-]{1,128}$/,
            'must be 1-128 letters, digits, dots, dashes, underscores or colons',
          ),
        )
        .optional(),
      maxTries: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(MAX_TRIES_LIMIT, `must be at most ${MAX_TRIES_LIMIT}`)
        .default(DEFAULT_MAX_TRIES),
    }),
  InvalidUpdateRequestError,
);

/** What callers pass. */
export type UpdateRequest = InputOf<typeof updateRequest>;
/** What validation returns: `maxTries` filled in. */
export type ParsedUpdateRequest = ParsedInputOf<typeof updateRequest>;

export function parseUpdateRequest(raw: unknown): ParsedUpdateRequest {
  return updateRequest.parse(raw);
}

/** The input of a configuration's updates workflow (each patch arrives as a Workflow Update). */
const updatesInput = inputSchema(
  () =>
    z.strictObject({
      configurationId: configurationId(),
      idleTimeoutMs: z
        .number()
        .int('must be whole milliseconds')
        .min(1_000, 'must be at least 1000 (one second)')
        .max(MAX_IDLE_TIMEOUT_MS, 'must be at most 24 hours')
        .default(DEFAULT_IDLE_TIMEOUT_MS),
    }),
  InvalidUpdateRequestError,
);

export type UpdatesInput = InputOf<typeof updatesInput>;

export function parseUpdatesInput(raw: unknown): ParsedInputOf<typeof updatesInput> {
  return updatesInput.parse(raw);
}
