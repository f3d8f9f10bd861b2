/**
 * The input of a teardown: which resources to remove and how each came to the provisioning that
 * made it. Validated by the same schema in the client library (before anything starts) and at
 * the workflow's start.
 */
import { z } from 'zod';
import {
  CONFIGURATION_ID_PATTERN,
  CONVERSATION_ID_PATTERN,
  MEMORY_STORE_ID_PATTERN,
} from '../api/field-rules';
import { exactly, matching } from '../api/request-schemas';
import {
  inputSchema,
  InvalidInputError,
  type InputIssue,
  type InputOf,
  type ParsedInputOf,
} from './input-schema';
import { pollingSchema } from './polling-input';

/**
 * How the teardown came to know a resource: from the provisioning that `created`, `adopted` or
 * was `given` it, or `named` by the caller of the teardown (the explicit-ID form). A `given`
 * resource belongs to whoever gave it to the provisioning and is never deleted; a `named` one is.
 */
const TARGET_ORIGINS = ['created', 'adopted', 'given', 'named'] as const;

function target(pattern: RegExp, example: string) {
  return z.strictObject({
    id: z.string().check(matching(pattern, `must be an ID like ${example}`)),
    origin: exactly(TARGET_ORIGINS),
  });
}

/** Thrown by `parseTeardownInput`; the message lists every `field.path: rule`. */
export class InvalidTeardownInputError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('teardown input', issues);
    this.name = 'InvalidTeardownInputError';
  }
}

const teardownInput = inputSchema(
  () =>
    z.strictObject({
      resources: z
        .strictObject({
          conversation: target(CONVERSATION_ID_PATTERN, 'conv_conversation_...').optional(),
          configuration: target(CONFIGURATION_ID_PATTERN, 'conv_configuration_...').optional(),
          memoryStore: target(MEMORY_STORE_ID_PATTERN, 'mem_store_...').optional(),
        })
        .refine((resources) => Object.values(resources).some(Boolean), {
          message: 'name at least one of conversation, configuration, memoryStore',
        }),
      /** The provisioning whose resources these are, when the teardown was started from one (for its report). */
      provisioningWorkflowId: z.string().min(1, 'must not be empty').optional(),
      polling: pollingSchema().optional(),
    }),
  InvalidTeardownInputError,
);

export type TeardownInput = InputOf<typeof teardownInput>;
export type ParsedTeardownInput = ParsedInputOf<typeof teardownInput>;

export function parseTeardownInput(raw: unknown): ParsedTeardownInput {
  return teardownInput.parse(raw);
}
