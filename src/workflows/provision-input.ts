/**
 * The one input of a provisioning, validated by the same schema at the client (before anything
 * starts) and at the workflow's start (fail fast, non-retryable). Its rules are the API's
 * documented field rules, so bad input is refused with a message naming the field and the rule
 * instead of surfacing as a 400 halfway through a provisioning.
 */
import { z } from 'zod';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_NAME_MAX_LENGTH,
  MAX_PARTICIPANTS,
  MAX_RECIPIENTS,
  MESSAGE_TEXT_MAX_LENGTH,
  WORKFLOW_ID_MAX_BYTES,
  utf8ByteLength,
} from '../api/field-rules';
import {
  exactly,
  matching,
  memoryStoreIdSchema,
  messageEndpointSchema,
  participantSchema,
  storeCreateSchema,
  visibleText,
} from '../api/request-schemas';
import { configurationFieldsSchema } from './configuration-input';
import {
  inputSchema,
  InvalidInputError,
  newOrExisting,
  positiveMs,
  type InputIssue,
  type InputOf,
  type ParsedInputOf,
} from './input-schema';
import { pollingSchema } from './polling-input';
import { provisioningWorkflowId } from './workflow-ids';

/** Applied by the workflow when the input names no grouping. */
export const DEFAULT_CONVERSATION_GROUPING = 'GROUP_BY_PARTICIPANT_ADDRESSES' as const;

/** A store to create (the API's create request), or one to use. */
function memoryStore() {
  return newOrExisting(
    z.union([storeCreateSchema(), z.strictObject({ existingStoreId: memoryStoreIdSchema() })], {
      error: 'give either { displayName } to create a store or { existingStoreId } to use one',
    }),
    {
      create: ['displayName', 'description'],
      existing: 'existingStoreId',
      conflict:
        'give displayName (to create a store) or existingStoreId (to use one), not both: nothing decides between them',
    },
  );
}

/** A conversation to create, or one to use. */
function conversation() {
  const newConversation = z.strictObject({
    // The name is how a retry finds a conversation an earlier attempt created: it is required.
    name: visibleText().max(
      CONVERSATION_NAME_MAX_LENGTH,
      `must be at most ${CONVERSATION_NAME_MAX_LENGTH} characters`,
    ),
    participants: z
      .array(participantSchema())
      .max(MAX_PARTICIPANTS, `at most ${MAX_PARTICIPANTS} participants per conversation`)
      .optional(),
  });
  const existingConversation = z.strictObject({
    existingConversationId: z
      .string()
      .check(matching(CONVERSATION_ID_PATTERN, 'must be a conversation ID (conv_conversation_...)')),
  });
  return newOrExisting(
    z.union([newConversation, existingConversation], {
      error: 'give either { name } to create a conversation or { existingConversationId } to use one',
    }),
    {
      create: ['name', 'participants'],
      existing: 'existingConversationId',
      conflict:
        'give name and participants (to create a conversation) or existingConversationId (to use one), ' +
        'not both: an existing conversation keeps its own name and participants',
    },
  );
}

/** The first message: a SEND_MESSAGE payload's endpoints, with text only. */
function message() {
  return z.strictObject({
    from: messageEndpointSchema(),
    to: z
      .array(messageEndpointSchema())
      .min(1, 'needs at least one recipient')
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
    text: visibleText().max(MESSAGE_TEXT_MAX_LENGTH, `must be at most ${MESSAGE_TEXT_MAX_LENGTH} characters`),
    /**
     * After a send whose outcome is unknown (5xx, reset, timeout, a worker dying mid-send): look for
     * the message for `lookForMs` (default 2 minutes: an Action completes in seconds), then wait for
     * a person's decision, `resend` or `skip`, for at most `decideWithinMs` (default: no limit; 0
     * fails at once), then fail with MessageOutcomeUnknown.
     */
    unconfirmed: z
      .strictObject({
        lookForMs: positiveMs().optional(),
        decideWithinMs: z
          .number()
          .int('must be whole milliseconds')
          .min(0, 'must be 0 (fail at once) or more')
          .max(7 * 24 * 3_600_000, 'must be at most 7 days')
          .optional(),
      })
      .optional(),
  });
}

/**
 * A provisioning's onboarding as one object, both fields required: for an input that nests it
 * (a fleet tenant's `onboarding`).
 */
export function onboardingSchema() {
  return z.strictObject({ conversation: conversation(), message: message() });
}

/** Thrown by `parseProvisionInput`; the message lists every `field.path: rule`. */
export class InvalidProvisionInputError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('provisioning input', issues);
    this.name = 'InvalidProvisionInputError';
  }
}

const provisionInput = inputSchema(
  () =>
    z
      .strictObject({
        /** Names the provisioning: its workflow ID becomes `provision-<provisioningId>`. */
        provisioningId: z
          .string()
          .check(
            matching(
              /^[a-zA-Z0-9-_]{1,64}$/,
              'must be 1-64 characters of letters, digits, dash or underscore',
            ),
          )
          .optional(),
        memoryStore: memoryStore(),
        configuration: configurationFieldsSchema(),
        /**
         * The onboarding: a conversation under the configuration and its first message, given
         * together or not at all (a provisioning of the store and configuration alone).
         */
        conversation: conversation().optional(),
        message: message().optional(),
        polling: pollingSchema().optional(),
        /**
         * What a failed provisioning does with the resources it created: `keep` them (the default;
         * a rerun of the same provisioning adopts them) or `rollback` (delete them, newest first).
         * Resources the input gave by ID, or that the run adopted, are never deleted.
         */
        onFailure: exactly(['keep', 'rollback']).default('keep'),
        /**
         * When the run writes its step (and the IDs it found) to search attributes: at
         * `every-step` (the default: the Web UI's list filters on the step a run is at) or only
         * `at-end` (one upsert instead of one per step: 3 to 6 fewer billable actions on Temporal
         * Cloud, for runs started by the thousand, like a fleet's tenants). The run's current
         * details and `progress` query show every step either way.
         */
        stepSearchAttributes: exactly(['every-step', 'at-end']).optional(),
      })
      .check((payload) => {
        // A message needs a conversation to go to, and a conversation is only made to send it.
        const { conversation, message } = payload.value;
        if ((conversation === undefined) === (message === undefined)) return;
        const missing = conversation === undefined ? 'conversation' : 'message';
        payload.issues.push({
          code: 'custom',
          input: payload.value,
          path: [missing],
          message:
            `is required with ${missing === 'message' ? 'conversation' : 'message'}: give conversation ` +
            'and message together (the onboarding), or neither (the store and configuration alone)',
        });
      })
      .check((payload) => {
        // Temporal refuses a workflow ID over its byte limit at start: refused here, naming the name.
        if (payload.issues.length > 0) return;
        const bytes = utf8ByteLength(provisioningWorkflowId(payload.value));
        if (bytes <= WORKFLOW_ID_MAX_BYTES) return;
        payload.issues.push({
          code: 'custom',
          input: payload.value,
          path: ['memoryStore', 'displayName'],
          message:
            `makes the workflow ID (provision:<configuration>--<store>) ${bytes} bytes long, over Temporal's ` +
            `limit of ${WORKFLOW_ID_MAX_BYTES}: shorten the store or configuration name, or give a provisioningId`,
        });
      }),
  InvalidProvisionInputError,
);

/** Both fields, or neither: the schema refuses one without the other. */
type BothOrNeither<T extends { conversation?: unknown; message?: unknown }> = Omit<
  T,
  'conversation' | 'message'
> &
  (
    | { conversation: NonNullable<T['conversation']>; message: NonNullable<T['message']> }
    | { conversation?: undefined; message?: undefined }
  );

/** What callers pass. */
export type ProvisionInput = BothOrNeither<InputOf<typeof provisionInput>>;
/** What validation returns: the input with its defaults (`onFailure`) filled in. */
export type ParsedProvisionInput = BothOrNeither<ParsedInputOf<typeof provisionInput>>;
/** A provisioning with its onboarding: a conversation under the configuration, and its first message. */
export type OnboardedProvisionInput = Extract<ProvisionInput, { message: object }>;
/** The onboarding alone (e.g. a fleet tenant's, sent once when the tenant is created). */
export type Onboarding = Pick<OnboardedProvisionInput, 'conversation' | 'message'>;

/** Validates raw input (e.g. parsed JSON); throws `InvalidProvisionInputError` naming every bad field. */
export function parseProvisionInput(raw: unknown): ParsedProvisionInput {
  // The schema's check refuses one of conversation and message without the other.
  return provisionInput.parse(raw) as ParsedProvisionInput;
}
