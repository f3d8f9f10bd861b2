/**
 * The one input of a provisioning, validated by the same zod schema at the client (before
 * anything starts) and at the workflow's start (fail fast, non-retryable).
 *
 * Deterministic and free of I/O: the workflow bundle imports this file. Rules mirror the
 * API's (see ../shared/reference/api-notes.md), so bad input is refused with a message naming
 * the field and the rule instead of surfacing as a 400 halfway through a provisioning.
 *
 * No schema object is exported, only functions that build one: a worker loads the workflow
 * modules once and shares them between runs (../workflow-bundle-options.ts), freezing what they export,
 * and zod writes to a schema as it parses, so a frozen schema cannot parse.
 */
import { z } from 'zod';
import { provisioningWorkflowId } from './definitions';
import {
  CHANNELS,
  CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
  CONFIGURATION_DISPLAY_NAME_PATTERN,
  CONVERSATION_ADDRESS_CHANNELS,
  CONVERSATION_ID_PATTERN,
  CONVERSATION_NAME_MAX_LENGTH,
  GROUPING_TYPES,
  MAX_INTELLIGENCE_CONFIGURATION_IDS,
  MAX_PARTICIPANTS,
  MAX_RECIPIENTS,
  MAX_STATUS_CALLBACKS,
  MEMORY_STORE_ID_PATTERN,
  MESSAGE_TEXT_MAX_LENGTH,
  PARTICIPANT_TYPES,
  READABLE_CALLBACK_METHODS,
  SEND_CHANNELS,
  STORE_DESCRIPTION_MAX_LENGTH,
  STORE_DISPLAY_NAME_MAX_LENGTH,
  STORE_DISPLAY_NAME_PATTERN,
  UNSAFE_RECORD_KEYS,
  V1_SERVICE_ID_PATTERN,
  WORKFLOW_ID_MAX_BYTES,
  addressProblem,
  captureAddressProblem,
  hasLoneSurrogate,
  isUnsafeRecordKey,
  textProblem,
  utf8ByteLength,
} from './input-rules';
import { maxPollsBeforeDeadline, resolvePollingPolicy } from './polling-policy';

/**
 * A copy of a pattern, for `.regex()`: zod resets the pattern's `lastIndex` before each test, and
 * the patterns ./input-rules exports are frozen in a worker, like everything a preloaded module
 * exports (../workflow-bundle-options.ts).
 */
export function unfrozen(pattern: RegExp): RegExp {
  return new RegExp(pattern);
}

/** Applied by the workflow when the input names no grouping. */
export const DEFAULT_CONVERSATION_GROUPING = 'GROUP_BY_PARTICIPANT_ADDRESSES' as const;

/** Any text that is valid Unicode (no lone surrogates); used where a value may be anything. */
const anyText = z.string().refine((text) => !hasLoneSurrogate(text), {
  message: 'must not hold a lone UTF-16 surrogate (not valid Unicode text)',
});

/** Text a person can see: not blank, not whitespace or invisible characters only. Never trimmed. */
const visibleText = z.string().check((payload) => {
  const problem = textProblem(payload.value);
  if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
});

/** An enum matched exactly: a look-alike letter or an invisible character is not a value. */
function exactly<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/**
 * A record keyed by user data. zod copies records into a new object, which skips a `__proto__`
 * key without a word: those keys are refused here, naming the key, before zod sees them.
 */
function safeRecord<T extends z.ZodType>(record: T) {
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

const newStore = z.strictObject({
  displayName: z
    .string()
    .regex(unfrozen(STORE_DISPLAY_NAME_PATTERN), 'must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)')
    .max(
      STORE_DISPLAY_NAME_MAX_LENGTH,
      `must be at most ${STORE_DISPLAY_NAME_MAX_LENGTH} characters (the workflow ID holds it)`,
    ),
  description: visibleText
    .max(STORE_DESCRIPTION_MAX_LENGTH, `must be at most ${STORE_DESCRIPTION_MAX_LENGTH} characters`)
    .optional(),
});
const existingStore = z.strictObject({
  existingStoreId: z
    .string()
    .regex(unfrozen(MEMORY_STORE_ID_PATTERN), 'must be a memory store ID (mem_store_ + 26 characters)'),
});

/** Capture rules are checked per channel: their addresses are the channel's, or `*`. */
function channelSetting(channelName: string) {
  const captureAddress = z.string().check((payload) => {
    const problem = captureAddressProblem(channelName, payload.value);
    if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
  });
  return z.strictObject({
    statusTimeouts: z
      .strictObject({
        inactive: z.number().int('must be whole minutes').positive('must be at least 1').optional(),
        closed: z.number().int('must be whole minutes').positive('must be at least 1').optional(),
      })
      .optional(),
    captureRules: z
      .array(
        z.strictObject({
          from: captureAddress,
          to: captureAddress,
          metadata: safeRecord(z.record(anyText, anyText)).optional(),
        }),
      )
      .optional(),
  });
}

const channelSettings = safeRecord(
  z.strictObject(
    Object.fromEntries(CHANNELS.map((name) => [name, channelSetting(name).optional()])) as {
      [K in (typeof CHANNELS)[number]]: z.ZodOptional<ReturnType<typeof channelSetting>>;
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `keys must be channels: ${CHANNELS.join(', ')}` : undefined,
    },
  ),
);

/**
 * The fields of a configuration as the API documents them (create and full replace). Other
 * inputs build on it: `configurationPatchSchema()` for a patch.
 */
export function configurationFieldsSchema() {
  return z.strictObject({
    displayName: z
      .string()
      .min(1, 'must not be empty')
      .max(
        CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
        `must be at most ${CONFIGURATION_DISPLAY_NAME_MAX_LENGTH} characters`,
      )
      .regex(
        unfrozen(CONFIGURATION_DISPLAY_NAME_PATTERN),
        'must match ^[a-zA-Z0-9-_ ]+$ (letters, digits, dash, underscore, space)',
      )
      .refine((name) => name.trim() !== '', 'must not be only spaces'),
    description: visibleText,
    conversationGroupingType: exactly(GROUPING_TYPES).optional(),
    channelSettings: channelSettings.optional(),
    statusCallbacks: z
      .array(
        z.strictObject({ url: z.url({ protocol: /^https?$/ }), method: exactly(READABLE_CALLBACK_METHODS) }),
      )
      .max(MAX_STATUS_CALLBACKS, `at most ${MAX_STATUS_CALLBACKS} status callbacks on create`)
      .optional(),
    intelligenceConfigurationIds: z
      .array(visibleText)
      .max(
        MAX_INTELLIGENCE_CONFIGURATION_IDS,
        `at most ${MAX_INTELLIGENCE_CONFIGURATION_IDS} intelligence configurations`,
      )
      .optional(),
    memoryExtractionEnabled: z.boolean().optional(),
    conversationsV1Bridge: z
      .strictObject({
        serviceId: z.string().regex(unfrozen(V1_SERVICE_ID_PATTERN), 'must match ^IS[0-9a-f]{32}$'),
      })
      .optional(),
  });
}

/** The same fields, each optional: what a change to an existing configuration may hold. */
export function configurationPatchSchema() {
  return configurationFieldsSchema().partial();
}

/** An address checked against its channel's format (E.164 for SMS and VOICE, prefixes for others). */
function addressedTo<const T extends readonly [string, ...string[]]>(channels: T) {
  return z
    .strictObject({ channel: exactly(channels), address: z.string(), channelId: anyText.optional() })
    .check((payload) => {
      const problem = addressProblem(payload.value.channel, payload.value.address);
      if (problem) {
        payload.issues.push({ code: 'custom', input: payload.value, path: ['address'], message: problem });
      }
    });
}

const participant = z.strictObject({
  name: anyText.optional(),
  type: exactly(PARTICIPANT_TYPES).optional(),
  profileId: visibleText.optional(),
  addresses: z.array(addressedTo(CONVERSATION_ADDRESS_CHANNELS)).optional(),
});

const newConversation = z.strictObject({
  // The name is how a retry finds a conversation an earlier attempt created: it is required.
  name: visibleText.max(
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
    .regex(unfrozen(CONVERSATION_ID_PATTERN), 'must be a conversation ID (conv_conversation_...)'),
});

const VOICE_IS_RECEIVE_ONLY = 'VOICE is receive-only: a message cannot be sent over it';

/** Sender or recipient: a participant (with or without a channel), or an address and its channel. */
const messageEndpoint = z
  .strictObject({
    participantId: visibleText.optional(),
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
    if (participantId === undefined && address === undefined) fail([], 'needs a participantId or an address');
    if (address === undefined) return;
    if (channel === undefined) fail(['channel'], 'is required with an address');
    else {
      const problem = addressProblem(channel, address);
      if (problem) fail(['address'], problem);
    }
  });

const message = z.strictObject({
  from: messageEndpoint,
  to: z
    .array(messageEndpoint)
    .min(1, 'needs at least one recipient')
    .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
  text: visibleText.max(MESSAGE_TEXT_MAX_LENGTH, `must be at most ${MESSAGE_TEXT_MAX_LENGTH} characters`),
  /**
   * After a send whose outcome is unknown (5xx, reset, timeout, a worker dying mid-send): look for
   * the message for `lookForMs` (default 2 minutes: an Action completes in seconds), then wait for
   * a person's decision, `resend` or `skip`, for at most `decideWithinMs` (default: no limit; 0
   * fails at once), then fail with MessageOutcomeUnknown.
   */
  unconfirmed: z
    .strictObject({
      lookForMs: z.number().int('must be whole milliseconds').positive('must be positive').optional(),
      decideWithinMs: z
        .number()
        .int('must be whole milliseconds')
        .min(0, 'must be 0 (fail at once) or more')
        .max(7 * 24 * 3_600_000, 'must be at most 7 days')
        .optional(),
    })
    .optional(),
});

const MAX_DEADLINE_MS = 7 * 24 * 3_600_000;

/**
 * The most polls a policy may allow one wait (an operation, an Action, the sends or the looks for
 * the first message) before its deadline: 82 with the defaults. Each poll costs about 11 history
 * events (a timer, an activity and the workflow tasks that follow each), and a run has at most
 * four waits that can last long, so a run stays near 22 000 events at worst: within Temporal's
 * limit of 51 200, where it terminates the run.
 */
export const MAX_POLLS_PER_WAIT = 500;
/** Past this, a policy's polls are not counted one by one: it allows "over 100000". */
const POLLS_COUNTED_UP_TO = 100_000;

const positiveMs = z.number().int('must be whole milliseconds').positive('must be positive');

export function pollingSchema() {
  return z
    .strictObject({
      initialIntervalMs: positiveMs.optional(),
      maxIntervalMs: positiveMs.optional(),
      backoffCoefficient: z.number().min(1, 'must be at least 1').max(10, 'must be at most 10').optional(),
      jitterRatio: z.number().min(0, 'must be at least 0').max(0.99, 'must be below 1').optional(),
      operationDeadlineMs: positiveMs.max(MAX_DEADLINE_MS, 'must be at most 7 days').optional(),
      stuckAfterMs: positiveMs.optional(),
    })
    .refine(
      (p) =>
        p.initialIntervalMs === undefined ||
        p.maxIntervalMs === undefined ||
        p.initialIntervalMs <= p.maxIntervalMs,
      { message: 'initialIntervalMs must not exceed maxIntervalMs', path: ['initialIntervalMs'] },
    )
    .check((payload) => {
      // Counted only for a policy valid field by field (a jitterRatio of 1 would make waits of 0).
      if (payload.issues.length > 0) return;
      const polls = maxPollsBeforeDeadline(resolvePollingPolicy(payload.value), POLLS_COUNTED_UP_TO);
      if (polls <= MAX_POLLS_PER_WAIT) return;
      const count = polls > POLLS_COUNTED_UP_TO ? `over ${POLLS_COUNTED_UP_TO}` : String(polls);
      payload.issues.push({
        code: 'custom',
        input: payload.value,
        message:
          `allows up to ${count} polls per wait: that many waits, at their shortest (initialIntervalMs, ` +
          'backoffCoefficient, maxIntervalMs, jitterRatio), fit in operationDeadlineMs; at most ' +
          `${MAX_POLLS_PER_WAIT} are allowed, so the history stays within Temporal's limits: ` +
          'lengthen the intervals or shorten operationDeadlineMs',
      });
    });
}

/**
 * Either a new resource or an existing one. An input holding fields of both (a store's
 * displayName and an existingStoreId) is refused as contradictory, before either shape is tried:
 * nothing says which one was meant.
 */
function newOrExisting<U extends z.ZodType>(
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

const provisionInputSchema = z
  .strictObject({
    /** Names the provisioning: its workflow ID becomes `provision-<provisioningId>`. */
    provisioningId: z
      .string()
      .regex(/^[a-zA-Z0-9-_]{1,64}$/, 'must be 1-64 characters of letters, digits, dash or underscore')
      .optional(),
    memoryStore: newOrExisting(
      z.union([newStore, existingStore], {
        error: 'give either { displayName } to create a store or { existingStoreId } to use one',
      }),
      {
        create: ['displayName', 'description'],
        existing: 'existingStoreId',
        conflict:
          'give displayName (to create a store) or existingStoreId (to use one), not both: nothing decides between them',
      },
    ),
    configuration: configurationFieldsSchema(),
    conversation: newOrExisting(
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
    ),
    message,
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
  });

/** What callers pass. */
export type ProvisionInput = z.input<typeof provisionInputSchema>;
/** What validation returns: the input with its defaults (`onFailure`) filled in. */
export type ParsedProvisionInput = z.output<typeof provisionInputSchema>;
/** Polling overrides as given in the input. */
export type PollingInput = NonNullable<ProvisionInput['polling']>;

export interface InputIssue {
  /** Dotted path of the field, e.g. `configuration.displayName`; `(input)` for the whole object. */
  path: string;
  message: string;
}

/** Thrown by `parseProvisionInput`; the message lists every `field.path: rule`. */
export class InvalidProvisionInputError extends Error {
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(`Invalid provisioning input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidProvisionInputError';
    this.issues = issues;
  }
}

/** Validates raw input (e.g. parsed JSON) against `provisionInputSchema`. */
export function parseProvisionInput(raw: unknown): ParsedProvisionInput {
  const parsed = provisionInputSchema.safeParse(raw, { error: requiredFieldMessage });
  if (parsed.success) return parsed.data;
  throw new InvalidProvisionInputError(parsed.error.issues.flatMap((issue) => toInputIssues(issue, [])));
}

/** Lower precedence than the schema's own messages: only fills in zod's generic ones. */
export function requiredFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
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
export function toInputIssues(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): InputIssue[] {
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
