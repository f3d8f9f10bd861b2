/**
 * The one input of a provisioning, validated by the same schema at the client (before anything
 * starts) and at the workflow's start (fail fast, non-retryable). Its rules are the API's
 * documented field rules, so bad input is refused with a message naming the field and the rule
 * instead of surfacing as a 400 halfway through a provisioning.
 */
import { z } from 'zod';
import { configurationFieldsSchema } from './configuration-input';
import {
  CONVERSATION_ADDRESS_CHANNELS,
  CONVERSATION_ID_PATTERN,
  CONVERSATION_NAME_MAX_LENGTH,
  MAX_PARTICIPANTS,
  MAX_RECIPIENTS,
  MEMORY_STORE_ID_PATTERN,
  MESSAGE_TEXT_MAX_LENGTH,
  PARTICIPANT_TYPES,
  SEND_CHANNELS,
  STORE_DESCRIPTION_MAX_LENGTH,
  STORE_DISPLAY_NAME_MAX_LENGTH,
  STORE_DISPLAY_NAME_PATTERN,
  WORKFLOW_ID_MAX_BYTES,
  addressProblem,
  utf8ByteLength,
} from '../api/field-rules';
import {
  anyText,
  exactly,
  inputSchema,
  InvalidInputError,
  matching,
  newOrExisting,
  positiveMs,
  visibleText,
  type InputIssue,
  type InputOf,
  type ParsedInputOf,
} from './input-schema';
import { pollingSchema } from './polling-input';
import { provisioningWorkflowId } from './workflow-ids';

/** Applied by the workflow when the input names no grouping. */
export const DEFAULT_CONVERSATION_GROUPING = 'GROUP_BY_PARTICIPANT_ADDRESSES' as const;

function memoryStore() {
  const newStore = z.strictObject({
    displayName: z
      .string()
      .check(matching(STORE_DISPLAY_NAME_PATTERN, 'must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)'))
      .max(
        STORE_DISPLAY_NAME_MAX_LENGTH,
        `must be at most ${STORE_DISPLAY_NAME_MAX_LENGTH} characters (the workflow ID holds it)`,
      ),
    description: visibleText()
      .max(STORE_DESCRIPTION_MAX_LENGTH, `must be at most ${STORE_DESCRIPTION_MAX_LENGTH} characters`)
      .optional(),
  });
  const existingStore = z.strictObject({
    existingStoreId: z
      .string()
      .check(matching(MEMORY_STORE_ID_PATTERN, 'must be a memory store ID (mem_store_ + 26 characters)')),
  });
  return newOrExisting(
    z.union([newStore, existingStore], {
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

/** An address checked against its channel's format (E.164 for SMS and VOICE, prefixes for others). */
function addressedTo<const T extends readonly [string, ...string[]]>(channels: T) {
  return z
    .strictObject({ channel: exactly(channels), address: z.string(), channelId: anyText().optional() })
    .check((payload) => {
      const problem = addressProblem(payload.value.channel, payload.value.address);
      if (problem) {
        payload.issues.push({ code: 'custom', input: payload.value, path: ['address'], message: problem });
      }
    });
}

function conversation() {
  const participant = z.strictObject({
    name: anyText().optional(),
    type: exactly(PARTICIPANT_TYPES).optional(),
    profileId: visibleText().optional(),
    addresses: z.array(addressedTo(CONVERSATION_ADDRESS_CHANNELS)).optional(),
  });
  const newConversation = z.strictObject({
    // The name is how a retry finds a conversation an earlier attempt created: it is required.
    name: visibleText().max(
      CONVERSATION_NAME_MAX_LENGTH,
      `must be at most ${CONVERSATION_NAME_MAX_LENGTH} characters`,
    ),
    participants: z
      .array(participant)
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

const VOICE_IS_RECEIVE_ONLY = 'VOICE is receive-only: a message cannot be sent over it';

/** Sender or recipient: a participant (with or without a channel), or an address and its channel. */
function messageEndpoint() {
  return z
    .strictObject({
      participantId: visibleText().optional(),
      address: z.string().optional(),
      channel: z
        .string()
        .refine((value) => value !== 'VOICE', VOICE_IS_RECEIVE_ONLY)
        .pipe(exactly(SEND_CHANNELS))
        .optional(),
    })
    .check((payload) => {
      const { participantId, address, channel } = payload.value;
      const fail = (path: string[], message: string) =>
        payload.issues.push({ code: 'custom', input: payload.value, path, message });
      if (participantId === undefined && address === undefined)
        fail([], 'needs a participantId or an address');
      if (address === undefined) return;
      if (channel === undefined) fail(['channel'], 'is required with an address');
      else {
        const problem = addressProblem(channel, address);
        if (problem) fail(['address'], problem);
      }
    });
}

function message() {
  return z.strictObject({
    from: messageEndpoint(),
    to: z
      .array(messageEndpoint())
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
        conversation: conversation(),
        message: message(),
        polling: pollingSchema().optional(),
        /**
         * What a failed provisioning does with the resources it created: `keep` them (the default;
         * a rerun of the same provisioning adopts them) or `rollback` (delete them, newest first).
         * Resources the input gave by ID, or that the run adopted, are never deleted.
         */
        onFailure: exactly(['keep', 'rollback']).default('keep'),
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

/** What callers pass. */
export type ProvisionInput = InputOf<typeof provisionInput>;
/** What validation returns: the input with its defaults (`onFailure`) filled in. */
export type ParsedProvisionInput = ParsedInputOf<typeof provisionInput>;

/** Validates raw input (e.g. parsed JSON); throws `InvalidProvisionInputError` naming every bad field. */
export function parseProvisionInput(raw: unknown): ParsedProvisionInput {
  return provisionInput.parse(raw);
}
