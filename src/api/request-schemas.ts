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
 * Two checkers build from the same rules (`RequestSchemaOptions.checkedBy`): the client, before
 * it sends, and the API receiving a body, as the emulator plays it. Where they differ, the
 * builder says so next to the rule.
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

// ---------- Who checks ----------

export interface RequestSchemaOptions {
  /**
   * `client`: the toolkit, before it sends. Every object is closed, so a misspelt field fails at
   * once, and an ID the toolkit passes on must be text a person can see.
   * `api`: the API receiving a body, as the emulator answers it. Objects are open, as the specs
   * leave them (a field the API does not define is dropped), except a message's `content`; an ID
   * the API only looks up (a participant, a profile, a content template, a conversation's
   * intelligence configurations) need only be a string, as a bad one is not found; and a send
   * endpoint naming a participant may leave out its channel, which the API takes from the
   * participant (the emulator's routes resolve it, and refuse VOICE there too).
   * @default 'client'
   */
  checkedBy?: 'client' | 'api';
}

function byApi(options: RequestSchemaOptions): boolean {
  return options.checkedBy === 'api';
}

/**
 * An object of `shape`: closed for the client; open for the API, which drops what it does not
 * define. (zod types both alike: an unknown key never reaches the output.)
 */
function fields<T extends z.core.$ZodLooseShape>(
  shape: T,
  options: RequestSchemaOptions,
  params?: z.core.$ZodObjectParams,
): z.ZodObject<T, z.core.$strict> {
  return byApi(options) ? z.object(shape, params) : z.strictObject(shape, params);
}

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
export function storeCreateSchema(options: RequestSchemaOptions = {}) {
  return fields(
    {
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
    },
    options,
  );
}

// ---------- Configurations ----------

/** Capture rules are checked per channel: their addresses are the channel's, or `*`. */
function channelSettingSchema(channel: string, options: RequestSchemaOptions) {
  const captureAddress = z.string().check((payload) => {
    const problem = captureAddressProblem(channel, payload.value);
    if (problem) payload.issues.push({ code: 'custom', input: payload.value, message: problem });
  });
  const minutes = z.number().int('must be whole minutes').positive('must be at least 1');
  return fields(
    {
      statusTimeouts: fields(
        { inactive: minutes.optional(), closed: minutes.optional() },
        options,
      ).optional(),
      captureRules: z
        .array(
          fields(
            {
              from: captureAddress,
              to: captureAddress,
              metadata: safeRecord(z.record(anyText(), anyText())).optional(),
            },
            options,
          ),
        )
        .optional(),
    },
    options,
  );
}

/** Settings keyed by channel: a key that is not a channel is refused by both checkers. */
export function channelSettingsSchema(options: RequestSchemaOptions = {}) {
  // The client's words read both where a key is named (`channelSettings.FAX: is not a channel ...`)
  // and where the object is (`configuration.channelSettings: is not a channel ...`); the API's
  // are the emulator's, which names the key.
  const rule = byApi(options)
    ? `is not a channel (allowed: ${CHANNELS.join(', ')})`
    : `is not a channel (keys must be channels: ${CHANNELS.join(', ')})`;
  return safeRecord(
    z.strictObject(
      Object.fromEntries(CHANNELS.map((name) => [name, channelSettingSchema(name, options).optional()])) as {
        [K in (typeof CHANNELS)[number]]: z.ZodOptional<ReturnType<typeof channelSettingSchema>>;
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? rule : undefined) },
    ),
  );
}

/** Status callbacks with `method` as given: the API accepts five methods, a read shows only two. */
export function statusCallbacksSchema<M extends z.ZodType>(method: M, options: RequestSchemaOptions = {}) {
  return z
    .array(fields({ url: httpUrl(), method }, options))
    .max(MAX_STATUS_CALLBACKS, `at most ${MAX_STATUS_CALLBACKS} status callbacks on create`);
}

function intelligenceConfigurationIdsSchema(id: z.ZodString) {
  return z
    .array(id)
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
export function configurationCreateSchema(options: RequestSchemaOptions = {}) {
  return fields(
    {
      displayName: configurationDisplayNameSchema(),
      description: visibleText(),
      conversationGroupingType: exactly(GROUPING_TYPES),
      memoryStoreId: memoryStoreIdSchema(),
      channelSettings: channelSettingsSchema(options).optional(),
      statusCallbacks: statusCallbacksSchema(exactly(CALLBACK_METHODS).default('POST'), options).optional(),
      intelligenceConfigurationIds: intelligenceConfigurationIdsSchema(visibleText()).optional(),
      memoryExtractionEnabled: z.boolean().optional(),
      conversationsV1Bridge: fields(
        { serviceId: z.string().check(matching(V1_SERVICE_ID_PATTERN, 'must match ^IS[0-9a-f]{32}$')) },
        options,
      ).optional(),
    },
    options,
  );
}

/**
 * `PUT /v2/ControlPlane/Configurations/{id}`: a full replace. `displayName` may be left out (the
 * current one stays); `version`, when given, must be the current one (409 otherwise).
 */
export function configurationReplaceSchema(options: RequestSchemaOptions = {}) {
  return configurationCreateSchema(options).extend({
    displayName: configurationDisplayNameSchema().optional(),
    version: z.int().min(1, 'must be at least 1').optional(),
  });
}

// ---------- Conversations ----------

/** A participant address, written as its channel writes addresses (E.164 for SMS and VOICE, ...). */
function participantAddressSchema(options: RequestSchemaOptions) {
  return fields(
    {
      channel: exactly(CONVERSATION_ADDRESS_CHANNELS),
      address: z.string(),
      channelId: anyText().optional(),
    },
    options,
  ).check((payload) => {
    const problem = addressProblem(payload.value.channel, payload.value.address);
    if (problem)
      payload.issues.push({ code: 'custom', input: payload.value, path: ['address'], message: problem });
  });
}

/** An ID the client passes on must be visible; the API only looks it up. */
function lookedUpId(options: RequestSchemaOptions) {
  return byApi(options) ? anyText() : visibleText();
}

/** A participant created with a conversation. */
export function participantSchema(options: RequestSchemaOptions = {}) {
  return fields(
    {
      name: anyText().optional(),
      type: exactly(PARTICIPANT_TYPES).optional(),
      profileId: lookedUpId(options).optional(),
      addresses: z.array(participantAddressSchema(options)).optional(),
    },
    options,
  );
}

/** `POST /v2/Conversations` */
export function conversationCreateSchema(options: RequestSchemaOptions = {}) {
  return fields(
    {
      configurationId: visibleText(),
      name: anyText().optional(),
      configuration: fields(
        { intelligenceConfigurationIds: intelligenceConfigurationIdsSchema(lookedUpId(options)).optional() },
        options,
      ).optional(),
      participants: z
        .array(participantSchema(options))
        .max(MAX_PARTICIPANTS, `at most ${MAX_PARTICIPANTS} participants per conversation`)
        .optional(),
    },
    options,
  );
}

// ---------- Actions ----------

/** Why a send on VOICE is refused, in each checker's words. */
export function voiceIsReceiveOnly(options: RequestSchemaOptions = {}): string {
  return byApi(options)
    ? 'VOICE is receive-only: SEND_MESSAGE cannot send on it'
    : 'VOICE is receive-only: a message cannot be sent over it';
}

/**
 * Sender or recipient: a participant (with or without a channel), or an address and its channel.
 * For the API, a participant also supplies the channel of an address given without one.
 */
export function messageEndpointSchema(options: RequestSchemaOptions = {}) {
  const api = byApi(options);
  return fields(
    {
      participantId: lookedUpId(options).optional(),
      address: z.string().optional(),
      channel: z
        .string()
        .refine((value) => value !== 'VOICE', voiceIsReceiveOnly(options))
        .pipe(exactly(SEND_CHANNELS))
        .optional(),
    },
    options,
  ).check((payload) => {
    const { participantId, address, channel } = payload.value;
    const fail = (path: string[], message: string) =>
      payload.issues.push({ code: 'custom', input: payload.value, path, message });
    if (api) {
      if (participantId === undefined && (address === undefined || channel === undefined)) {
        fail([], 'needs address and channel, or a participantId with an address');
      }
    } else {
      if (participantId === undefined && address === undefined) {
        fail([], 'needs address and channel, or a participantId');
      }
      if (address !== undefined && channel === undefined) fail(['channel'], 'is required with an address');
    }
    // An address is written as its channel writes addresses; the API, which may take the channel
    // from the participant later, checks only the text of one given without.
    if (address === undefined || (channel === undefined && !api)) return;
    const problem = addressProblem(channel ?? '', address);
    if (problem) fail(['address'], problem);
  });
}

/** What a message says: text, a content template, or media. Closed for both checkers. */
function messageContentSchema(options: RequestSchemaOptions) {
  const shape = {
    text: visibleText().optional(),
    contentId: (byApi(options) ? anyText().min(1, 'must be at least 1 character') : visibleText()).optional(),
    variables: safeRecord(z.record(anyText(), anyText())).optional(),
    mediaUrls: z.array(httpUrl()).optional(),
  };
  const known = `is not a known field (allowed: ${Object.keys(shape).join(', ')})`;
  return z
    .strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? known : undefined) })
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
export function sendMessagePayloadSchema(options: RequestSchemaOptions = {}) {
  return fields(
    {
      from: messageEndpointSchema(options),
      to: z
        .array(messageEndpointSchema(options))
        .min(1, 'needs at least one recipient')
        .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
      content: messageContentSchema(options),
      channelSettings: z.record(z.string(), z.unknown()).optional(),
    },
    options,
  );
}

/** `POST /v2/Conversations/{conversationId}/Actions` */
export function sendMessageActionSchema(options: RequestSchemaOptions = {}) {
  return fields({ type: exactly(['SEND_MESSAGE']), payload: sendMessagePayloadSchema(options) }, options);
}
