/**
 * The request bodies of Conversation Orchestrator, as zod schemas built from the field rules
 * (./field-rules.ts): the one home of the request shapes. src/api/types.ts derives the request
 * types from them, the emulator validates every body it receives with them, and the client's
 * input schemas (src/workflows) are built from them and their building blocks.
 *
 * Pure and free of I/O (zod and the field rules only): the workflow bundle imports this file.
 * A worker deep-freezes what a preloaded workflow module exports, while zod writes to a schema as
 * it parses and resets a pattern's `lastIndex` before each test. So every export is a function
 * that builds a fresh schema, and patterns reach zod as copies (`matching()`).
 *
 * Messages state the rule (`must be at most 32 characters`); a consumer's error map words what a
 * schema leaves generic (a missing field, a wrong type), and a consumer names the path.
 *
 * Over 300 lines on purpose: every request body, and the blocks they share, in one place.
 */
import { z } from 'zod';
import {
  CALLBACK_METHODS,
  CHANNELS,
  CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
  CONFIGURATION_DISPLAY_NAME_PATTERN,
  CONVERSATION_ADDRESS_CHANNELS,
  GROUPING_TYPES,
  MAX_INTELLIGENCE_CONFIGURATION_IDS,
  MAX_PARTICIPANTS,
  MAX_RECIPIENTS,
  MAX_STATUS_CALLBACKS,
  MEMORY_STORE_ID_PATTERN,
  PARTICIPANT_TYPES,
  SEND_CHANNELS,
  STORE_DESCRIPTION_MAX_LENGTH,
  STORE_DISPLAY_NAME_MAX_LENGTH,
  STORE_DISPLAY_NAME_PATTERN,
  UNSAFE_RECORD_KEYS,
  V1_SERVICE_ID_PATTERN,
  addressProblem,
  captureAddressProblem,
  hasLoneSurrogate,
  isUnsafeRecordKey,
  textProblem,
} from './field-rules';

// ---------- Building blocks ----------

/** A check that the text matches `pattern`, given to zod as a copy (see the top of this file). */
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

/**
 * An enum matched exactly: a look-alike letter or an invisible character is not a value. A value
 * missing `is required` (an optional enum never sees one).
 */
export function exactly<const T extends readonly [string, ...string[]]>(values: T) {
  const rule = `must be one of ${values.join(', ')}`;
  return z.enum(values, { error: (issue) => (issue.input === undefined ? 'is required' : rule) });
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

/** An absolute http(s) URL (status callbacks, media). */
export function httpUrl() {
  return z.url({
    protocol: /^https?$/,
    error: (issue) => (issue.code === 'invalid_format' ? 'must be an absolute http(s) URL' : undefined),
  });
}

// ---------- Memory stores ----------

/** `mem_store_...` (some accounts show `mem_service_...`). */
export function memoryStoreIdSchema() {
  return z
    .string()
    .check(
      matching(
        MEMORY_STORE_ID_PATTERN,
        'must match ^mem_(store|service)_[0-7][0-9a-z]{25}$ (a memory store ID)',
      ),
    );
}

/** `POST /v1/ControlPlane/Stores` */
export function storeCreateSchema() {
  return z.strictObject({
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
}

// ---------- Configurations ----------

/** Capture rules are checked per channel: their addresses are the channel's, or `*`. */
function channelSettingSchema(channel: string) {
  const captureAddress = z.string().check((payload) => {
    const problem = captureAddressProblem(channel, payload.value);
    if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
  });
  const minutes = z.number().int('must be whole minutes').positive('must be at least 1');
  return z.strictObject({
    statusTimeouts: z.strictObject({ inactive: minutes.optional(), closed: minutes.optional() }).optional(),
    captureRules: z
      .array(
        z.strictObject({
          from: captureAddress,
          to: captureAddress,
          metadata: safeRecord(z.record(anyText(), anyText())).optional(),
        }),
      )
      .optional(),
  });
}

/** Settings keyed by channel. */
export function channelSettingsSchema() {
  // Worded to read both where a key is named (`channelSettings.FAX: is not a channel ...`) and
  // where the object is (`configuration.channelSettings: is not a channel ...`).
  const rule = `is not a channel (keys must be channels: ${CHANNELS.join(', ')})`;
  return safeRecord(
    z.strictObject(
      Object.fromEntries(CHANNELS.map((name) => [name, channelSettingSchema(name).optional()])) as {
        [K in (typeof CHANNELS)[number]]: z.ZodOptional<ReturnType<typeof channelSettingSchema>>;
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? rule : undefined) },
    ),
  );
}

/** Status callbacks with `method` as given: the API accepts five methods, a read shows only two. */
export function statusCallbacksSchema<M extends z.ZodType>(method: M) {
  return z
    .array(z.strictObject({ url: httpUrl(), method }))
    .max(MAX_STATUS_CALLBACKS, `at most ${MAX_STATUS_CALLBACKS} status callbacks on create`);
}

function intelligenceConfigurationIdsSchema() {
  return z
    .array(visibleText())
    .max(
      MAX_INTELLIGENCE_CONFIGURATION_IDS,
      `at most ${MAX_INTELLIGENCE_CONFIGURATION_IDS} intelligence configurations`,
    );
}

function configurationDisplayNameSchema() {
  return visibleText()
    .max(
      CONFIGURATION_DISPLAY_NAME_MAX_LENGTH,
      `must be at most ${CONFIGURATION_DISPLAY_NAME_MAX_LENGTH} characters`,
    )
    .check(
      matching(
        CONFIGURATION_DISPLAY_NAME_PATTERN,
        'must match ^[a-zA-Z0-9-_ ]+$ (letters, digits, dash, underscore, space)',
      ),
    );
}

/** `POST /v2/ControlPlane/Configurations` */
export function configurationCreateSchema() {
  return z.strictObject({
    displayName: configurationDisplayNameSchema(),
    description: visibleText(),
    conversationGroupingType: exactly(GROUPING_TYPES),
    memoryStoreId: memoryStoreIdSchema(),
    channelSettings: channelSettingsSchema().optional(),
    statusCallbacks: statusCallbacksSchema(exactly(CALLBACK_METHODS).default('POST')).optional(),
    intelligenceConfigurationIds: intelligenceConfigurationIdsSchema().optional(),
    memoryExtractionEnabled: z.boolean().optional(),
    conversationsV1Bridge: z
      .strictObject({
        serviceId: z.string().check(matching(V1_SERVICE_ID_PATTERN, 'must match ^IS[0-9a-f]{32}$')),
      })
      .optional(),
  });
}

/**
 * `PUT /v2/ControlPlane/Configurations/{id}`: a full replace. `displayName` may be left out (the
 * current one stays); `version`, when given, must be the current one (409 otherwise).
 */
export function configurationReplaceSchema() {
  return configurationCreateSchema().extend({
    displayName: configurationDisplayNameSchema().optional(),
    version: z.int().min(1, 'must be at least 1').optional(),
  });
}

// ---------- Conversations ----------

/** A participant address, written as its channel writes addresses (E.164 for SMS and VOICE, ...). */
function participantAddressSchema() {
  return z
    .strictObject({
      channel: exactly(CONVERSATION_ADDRESS_CHANNELS),
      address: z.string(),
      channelId: anyText().optional(),
    })
    .check((payload) => {
      const problem = addressProblem(payload.value.channel, payload.value.address);
      if (problem)
        payload.issues.push({ code: 'custom', input: payload.value, path: ['address'], message: problem });
    });
}

/** A participant created with a conversation. */
export function participantSchema() {
  return z.strictObject({
    name: anyText().optional(),
    type: exactly(PARTICIPANT_TYPES).optional(),
    profileId: visibleText().optional(),
    addresses: z.array(participantAddressSchema()).optional(),
  });
}

/** `POST /v2/Conversations` */
export function conversationCreateSchema() {
  return z.strictObject({
    configurationId: visibleText(),
    name: anyText().optional(),
    configuration: z
      .strictObject({ intelligenceConfigurationIds: intelligenceConfigurationIdsSchema().optional() })
      .optional(),
    participants: z
      .array(participantSchema())
      .max(MAX_PARTICIPANTS, `at most ${MAX_PARTICIPANTS} participants per conversation`)
      .optional(),
  });
}

// ---------- Actions ----------

export const VOICE_IS_RECEIVE_ONLY = 'VOICE is receive-only: a message cannot be sent over it';

/** Sender or recipient: a participant (with or without a channel), or an address and its channel. */
export function messageEndpointSchema() {
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
      if (participantId === undefined && address === undefined) {
        fail([], 'needs address and channel, or a participantId');
      }
      if (address === undefined) return;
      if (channel === undefined) fail(['channel'], 'is required with an address');
      else {
        const problem = addressProblem(channel, address);
        if (problem) fail(['address'], problem);
      }
    });
}

/** What a message says: text, a content template, or media. */
function messageContentSchema() {
  return z
    .strictObject({
      text: visibleText().optional(),
      contentId: visibleText().optional(),
      variables: safeRecord(z.record(anyText(), anyText())).optional(),
      mediaUrls: z.array(httpUrl()).optional(),
    })
    .check((payload) => {
      const { text, contentId, mediaUrls } = payload.value;
      if (text === undefined && contentId === undefined && !mediaUrls?.length) {
        payload.issues.push({
          code: 'custom',
          input: payload.value,
          message: 'needs text, contentId or mediaUrls',
        });
      }
    });
}

/** The payload of a SEND_MESSAGE Action. */
export function sendMessagePayloadSchema() {
  return z.strictObject({
    from: messageEndpointSchema(),
    to: z
      .array(messageEndpointSchema())
      .min(1, 'needs at least one recipient')
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
    content: messageContentSchema(),
    channelSettings: z.record(z.string(), z.unknown()).optional(),
  });
}

/** `POST /v2/Conversations/{conversationId}/Actions` */
export function sendMessageActionSchema() {
  return z.strictObject({ type: exactly(['SEND_MESSAGE']), payload: sendMessagePayloadSchema() });
}
