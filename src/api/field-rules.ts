/**
 * The documented rules of Conversation Orchestrator request fields: the constants and checks the
 * request schemas (./request-schemas.ts) are built from, and through them the client's input
 * schemas (src/workflows) and the emulator's request validation (src/emulator). Sources: the
 * OpenAPI specs (test/twilio-contract/specs), the API pages and twilio-node's field docs. Where a
 * source gives no limit, the constant says why the toolkit sets one.
 *
 * Plain constants and pure functions, no zod and no I/O: the workflow bundle imports this file,
 * and a worker freezes what it exports (src/workflow-bundle-options.ts), patterns included.
 */

/** Channels of configuration settings, participant addresses on the Participants API, and reads. */
export const CHANNELS = ['VOICE', 'SMS', 'RCS', 'WHATSAPP', 'CHAT'] as const;
/** Channels a message can be sent on: VOICE is receive-only. */
export const SEND_CHANNELS = ['SMS', 'RCS', 'WHATSAPP', 'CHAT'] as const;
/** Channels of a participant address when a conversation is created (POST /v2/Conversations). */
export const CONVERSATION_ADDRESS_CHANNELS = [
  'VOICE',
  'SMS',
  'RCS',
  'EMAIL',
  'WHATSAPP',
  'CHAT',
  'API',
  'SYSTEM',
] as const;
export type ConversationAddressChannel = (typeof CONVERSATION_ADDRESS_CHANNELS)[number];
/** Participant types accepted on create (reads may also show AGENT and UNKNOWN). */
export const PARTICIPANT_TYPES = ['HUMAN_AGENT', 'CUSTOMER', 'AI_AGENT'] as const;
export const GROUPING_TYPES = [
  'GROUP_BY_PROFILE',
  'GROUP_BY_PARTICIPANT_ADDRESSES',
  'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
] as const;
/** Webhook methods a configuration request accepts. */
export const CALLBACK_METHODS = ['POST', 'GET', 'PUT', 'DELETE', 'PATCH'] as const;
/** The ones a configuration read can show (the response schema's enum): the client sends only these. */
export const READABLE_CALLBACK_METHODS = ['POST', 'GET'] as const;

export const STORE_DISPLAY_NAME_PATTERN = /^[a-zA-Z0-9-]+$/;
export const CONFIGURATION_DISPLAY_NAME_PATTERN = /^[a-zA-Z0-9-_ ]+$/;
export const MEMORY_STORE_ID_PATTERN = /^mem_(store|service)_[0-7][0-9a-z]{25}$/;
export const CONVERSATION_ID_PATTERN = /^conv_conversation_[0-9a-z]+$/;
/** `conv_configuration_...`; some of the API's examples spell it `cfg_configuration_...`. */
export const CONFIGURATION_ID_PATTERN = /^(conv|cfg)_configuration_[0-9a-z]+$/;
export const V1_SERVICE_ID_PATTERN = /^IS[0-9a-f]{32}$/;

/** Temporal refuses a workflow ID longer than this many UTF-8 bytes. */
export const WORKFLOW_ID_MAX_BYTES = 1000;
/**
 * Twilio documents no maximum for a store's display name. The workflow ID of a provisioning holds
 * it (`provision:<configuration>--<store>`), so no name longer than what fits beside the shortest
 * configuration part can ever be provisioned; the emulator refuses the same.
 */
export const STORE_DISPLAY_NAME_MAX_LENGTH = WORKFLOW_ID_MAX_BYTES - 'provision:--'.length;
export const STORE_DESCRIPTION_MAX_LENGTH = 128;
/** Memory stores an account may hold (error 520044 in the API reference); FAILED ones do not count. */
export const MAX_STORES_PER_ACCOUNT = 15;
/** `pageSize` of the list endpoints: the API's maximum and the size it uses when none is sent. */
export const PAGE_SIZES = {
  memoryStores: { max: 100, default: 50 },
  configurations: { max: 1000, default: 50 },
  /** Conversations, and a conversation's communications. */
  conversations: { max: 1000, default: 50 },
} as const;
export const CONFIGURATION_DISPLAY_NAME_MAX_LENGTH = 32;
export const MAX_STATUS_CALLBACKS = 2;
export const MAX_INTELLIGENCE_CONFIGURATION_IDS = 5;
export const MAX_PARTICIPANTS = 50;
/**
 * The Actions page asks for at least one recipient and names no maximum; a message goes to the
 * conversation's participants, of which there are at most 50.
 */
export const MAX_RECIPIENTS = MAX_PARTICIPANTS;
/** Twilio's limit for the body of one SMS/WhatsApp message. */
export const MESSAGE_TEXT_MAX_LENGTH = 1600;
export const CONVERSATION_NAME_MAX_LENGTH = 256;

/**
 * Keys that would reach an object's prototype rather than become an entry. JSON.parse keeps
 * `__proto__` as an ordinary key, but copying it into an object (as zod's records do) drops it
 * or changes the prototype, so a record holding one is refused, never silently trimmed.
 */
export const UNSAFE_RECORD_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isUnsafeRecordKey(key: string): boolean {
  return UNSAFE_RECORD_KEYS.includes(key);
}

/** Whitespace, control and default-ignorable characters (zero-width spaces, joiners, BOM, fillers). */
const BLANK = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a person would see nothing: empty, whitespace or invisible characters only. */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/** True when the string holds half a UTF-16 surrogate pair: it has no UTF-8 encoding. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The problem with a required free-text value, or undefined. */
export function textProblem(text: string): string | undefined {
  if (hasLoneSurrogate(text)) return 'must not hold a lone UTF-16 surrogate (not valid Unicode text)';
  if (isBlank(text)) return 'must not be empty or only whitespace or invisible characters';
  return undefined;
}

/** UTF-8 length of a well-formed string, without TextEncoder or Buffer (workflow-safe). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

// ---------- Addresses per channel ----------

const E164 = String.raw`\+[1-9]\d{1,14}`;
/** How each channel writes an address (the specs' address docs, also in twilio-node). */
const ADDRESS_FORMATS: Record<ConversationAddressChannel, { pattern?: RegExp; rule: string }> = {
  SMS: { pattern: new RegExp(`^${E164}$`), rule: 'an E.164 phone number such as +18005550100' },
  VOICE: { pattern: new RegExp(`^${E164}$`), rule: 'an E.164 phone number such as +18005550100' },
  WHATSAPP: {
    pattern: new RegExp(`^whatsapp:${E164}$`),
    rule: 'whatsapp: and an E.164 phone number, such as whatsapp:+18005550100',
  },
  RCS: {
    pattern: new RegExp(`^rcs:(${E164}|[A-Za-z0-9][A-Za-z0-9_.-]*)$`),
    rule: 'rcs: and a sender ID or E.164 phone number, such as rcs:brand_acme_agent or rcs:+18005550100',
  },
  EMAIL: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, rule: 'an email address such as user@example.com' },
  // Customer-defined identifiers: any visible text.
  CHAT: { rule: 'a customer-defined identifier' },
  API: { rule: 'a customer-defined identifier' },
  SYSTEM: { rule: 'a customer-defined identifier' },
};

/**
 * The problem with an address on a channel, or undefined. A channel this table does not know
 * is the channel field's problem, not the address's.
 */
export function addressProblem(channel: string, address: string): string | undefined {
  const problem = textProblem(address);
  if (problem || !Object.hasOwn(ADDRESS_FORMATS, channel)) return problem;
  const format = ADDRESS_FORMATS[channel as ConversationAddressChannel];
  if (format.pattern && !format.pattern.test(address)) return `must be ${format.rule} on ${channel}`;
  return undefined;
}

/** Capture rules match an address of their channel, or any address with `*`. */
export function captureAddressProblem(channel: string, address: string): string | undefined {
  return address === '*' ? undefined : addressProblem(channel, address);
}
