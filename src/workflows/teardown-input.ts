/**
 * The input of a teardown: which resources to remove and how each came to the provisioning that
 * made it. Validated by the same zod schema in the client library (before anything starts) and
 * at the workflow's start.
 *
 * Deterministic and free of I/O: the workflow bundle imports this file. Its schema is not
 * exported, for the reason ./provision-input gives.
 */
import { z } from 'zod';
import { CONFIGURATION_ID_PATTERN, CONVERSATION_ID_PATTERN, MEMORY_STORE_ID_PATTERN } from './input-rules';
import { pollingSchema, unfrozen } from './provision-input';

/**
 * How the teardown came to know a resource: from the provisioning that `created`, `adopted` or
 * was `given` it, or `named` by the caller of the teardown (the explicit-ID form). A `given`
 * resource belongs to whoever gave it to the provisioning and is never deleted; a `named` one is.
 */
export const TARGET_ORIGINS = ['created', 'adopted', 'given', 'named'] as const;
export type TargetOrigin = (typeof TARGET_ORIGINS)[number];

function target(pattern: RegExp, example: string) {
  return z.strictObject({
    id: z.string().regex(unfrozen(pattern), `must be an ID like ${example}`),
    origin: z.enum(TARGET_ORIGINS, { error: `must be one of ${TARGET_ORIGINS.join(', ')}` }),
  });
}

const teardownInputSchema = z.strictObject({
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
  provisioningWorkflowId: z.string().min(1).optional(),
  polling: pollingSchema().optional(),
});

export type TeardownInput = z.input<typeof teardownInputSchema>;
export type ParsedTeardownInput = z.output<typeof teardownInputSchema>;
export type TeardownTarget = NonNullable<ParsedTeardownInput['resources']['memoryStore']>;

/** Thrown by `parseTeardownInput`; the message lists every `field.path: rule`. */
export class InvalidTeardownInputError extends Error {
  readonly issues: { path: string; message: string }[];

  constructor(issues: { path: string; message: string }[]) {
    super(`Invalid teardown input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidTeardownInputError';
    this.issues = issues;
  }
}

export function parseTeardownInput(raw: unknown): ParsedTeardownInput {
  const parsed = teardownInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InvalidTeardownInputError(
    parsed.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(input)' : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
