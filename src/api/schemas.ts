/**
 * zod schemas of every response body the client reads, and the one source of the response types
 * (src/api/types.ts derives them with `z.infer`). Objects strip unknown fields: a new server
 * field never breaks the client, and never leaves it either (nothing a server adds reaches an
 * activity result, and so a workflow's history). Known fields with a wrong type are rejected with
 * a `ResponseValidationError` naming the field path. Free text a server writes about a failure
 * (an operation's `error`, an action's `failureReason`) is cut to `MAX_SERVER_TEXT_CHARS`.
 *
 * ID prefixes are deliberately not checked: the pages show both `cfg_configuration_` and
 * `conv_configuration_` for the same resource.
 */
import { z } from 'zod';
import { boundText } from './bounded-text';
import { ResponseValidationError } from './errors';

/**
 * Longest value of any other string field (IDs, names, URLs, timestamps). Generous for real
 * values; it keeps one response field from putting a megabyte into every activity result (and
 * so into history on every poll). Longer is a `ResponseValidationError`.
 */
export const MAX_FIELD_CHARS = 2_048;
/** Most entries of a map of IDs or metadata (`related`, capture-rule `metadata`). */
export const MAX_MAP_ENTRIES = 100;

const field = z.string().max(MAX_FIELD_CHARS);

const stringMap = z.record(field, field).refine((map) => Object.keys(map).length <= MAX_MAP_ENTRIES, {
  message: `must have at most ${MAX_MAP_ENTRIES} entries`,
});

/** Server-written text about a failure: kept, but never longer than `MAX_SERVER_TEXT_CHARS`. */
const serverText = z.string().transform((text) => boundText(text));

export const operationStatusSchema = z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']);

export const operationErrorSchema = z.object({
  type: serverText.optional(),
  title: serverText.optional(),
  status: z.number().int().optional(),
  code: z.union([z.number().int(), serverText]).optional(),
  detail: serverText.optional(),
  instance: serverText.optional(),
});

/**
 * Both hosts' operation bodies: Memory's carries `result` and an error with `code`,
 * Conversations' carries `related` and an RFC 9457 error. One schema reads either.
 */
export const operationSchema = z.object({
  operationId: field.min(1),
  status: operationStatusSchema,
  createdAt: field.optional(),
  completedAt: field.nullish(),
  statusUrl: field.optional(),
  /** Memory operations: `{ type: 'RESOURCE_ID', id }` once COMPLETED. */
  result: z.object({ type: field.optional(), id: field.optional() }).nullish(),
  /** Conversations operations: named IDs such as `configurationId`. */
  related: stringMap.nullish(),
  error: operationErrorSchema.nullish(),
});

/** Body of a 202: Conversations sends `{statusUrl, related?}`, Memory `{message, statusUrl}`. */
export const acceptedBodySchema = z.object({
  statusUrl: field.min(1).optional(),
  related: stringMap.nullish(),
  message: serverText.optional(),
});

export const storeStatusSchema = z.enum(['QUEUED', 'PROVISIONING', 'ACTIVE', 'FAILED']);

export const storeSchema = z.object({
  id: field.min(1),
  displayName: field,
  description: field.nullish(),
  status: storeStatusSchema,
  intelligenceServiceId: field.nullish(),
  version: z.number().int().optional(),
});

export const channelSettingsSchema = z.object({
  statusTimeouts: z.object({ inactive: z.number().optional(), closed: z.number().optional() }).optional(),
  captureRules: z.array(z.object({ from: field, to: field, metadata: stringMap.optional() })).optional(),
});

export const conversationGroupingTypeSchema = z.enum([
  'GROUP_BY_PROFILE',
  'GROUP_BY_PARTICIPANT_ADDRESSES',
  'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
]);

export const statusCallbackSchema = z.object({
  url: field,
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']).default('POST'),
});

export const configurationSchema = z.object({
  id: field.min(1),
  displayName: field,
  description: field,
  conversationGroupingType: conversationGroupingTypeSchema,
  memoryStoreId: field,
  // Keyed by channel type; keys are not checked so a new channel does not break reads.
  channelSettings: z.record(field, channelSettingsSchema).optional(),
  // `method` is optional with POST as its default; the request schema allows all five methods.
  statusCallbacks: z.array(statusCallbackSchema).optional(),
  intelligenceConfigurationIds: z.array(field).optional(),
  memoryExtractionEnabled: z.boolean().optional(),
  conversationsV1Bridge: z.object({ serviceId: field }).optional(),
  createdAt: field.optional(),
  updatedAt: field.optional(),
  version: z.number().int().optional(),
});

/**
 * Creating a conversation accepts HUMAN_AGENT, CUSTOMER and AI_AGENT; responses may also carry
 * AGENT and UNKNOWN (the spec's participant schema).
 */
export const participantTypeSchema = z.enum(['HUMAN_AGENT', 'CUSTOMER', 'AI_AGENT', 'AGENT', 'UNKNOWN']);

export const participantAddressSchema = z.object({
  channel: field,
  address: field,
  channelId: field.optional(),
});

export const participantSchema = z.object({
  id: field.optional(),
  name: field.optional(),
  type: participantTypeSchema.optional(),
  profileId: field.optional(),
  addresses: z.array(participantAddressSchema).optional(),
});

export const conversationStatusSchema = z.enum(['ACTIVE', 'INACTIVE', 'CLOSED']);

export const conversationSchema = z.object({
  id: field.min(1),
  accountId: field.optional(),
  configurationId: field,
  status: conversationStatusSchema.optional(),
  name: field.nullish(),
  createdAt: field.optional(),
  updatedAt: field.optional(),
  participants: z.array(participantSchema).optional(),
});

export const endpointSchema = z.object({
  address: field.optional(),
  channel: field.optional(),
  participantId: field.optional(),
});

export const communicationSchema = z.object({
  id: field.min(1),
  conversationId: field.optional(),
  author: endpointSchema.nullish(),
  content: z.object({ text: field.nullish() }).nullish(),
  recipients: z.array(endpointSchema).optional(),
  createdAt: field.optional(),
});

export const actionStatusSchema = z.enum(['PENDING', 'COMPLETED', 'FAILED']);

export const actionSchema = z.object({
  id: field.min(1),
  type: field,
  status: actionStatusSchema,
  conversationId: field,
  /** `messageSid` while PENDING or COMPLETED; `communicationId` once COMPLETED. */
  related: z.object({ messageSid: field.optional(), communicationId: field.optional() }).optional(),
  failureReason: serverText.nullish(),
  createdAt: field.optional(),
  updatedAt: field.optional(),
  completedAt: field.nullish(),
});

export const storeIdSchema = field.min(1);

/**
 * Envelope of every list response. The spec requires `meta.key` and `meta.pageSize` on most
 * lists but not on communications, so both are optional here and defaulted by the paginator.
 * Loose because the items sit under a key `meta.key` names; only `meta` and the items (each
 * parsed by its own stripping schema) are ever read out of it.
 */
export const pageEnvelopeSchema = z.looseObject({
  meta: z.object({
    key: z.string().optional(),
    pageSize: z.number().int().optional(),
    nextToken: z.string().nullish(),
    previousToken: z.string().nullish(),
  }),
});

/** Where a response came from, for the error message. */
export interface ResponseOrigin {
  method: string;
  path: string;
  status: number;
}

/**
 * Validates `body` against `schema`, or throws a `ResponseValidationError` listing every bad
 * field as `label.path: rule`, e.g. `operation.status: expected one of PENDING|RUNNING|...`.
 */
export function parseResponseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
  label: string,
  origin: ResponseOrigin,
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { method, path, status } = origin;
  throw new ResponseValidationError(
    `${method} ${path} (HTTP ${status}) returned an unexpected body: ${describeIssues(label, parsed.error.issues)}`,
    // The server already acted on the request; sending it again would not fix its answer.
    { method, path, status, retrySafety: 'never' },
  );
}

/** Most problems a message lists: a page of a thousand bad items must not make a huge message. */
const MAX_LISTED_ISSUES = 10;

/**
 * `label.a[0].b: rule; label.c: rule` — field paths and rules only, never the values; the first
 * `MAX_LISTED_ISSUES`, then how many more.
 */
export function describeIssues(label: string, issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${fieldPath(label, issue.path)}: ${describeRule(issue)}`);
  const more = issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}

/** `label.a[0].b`, or `a[0].b` without a label. */
export function fieldPath(label: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
    label,
  );
}

function describeRule(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join('|')}`;
  // zod prefixes its messages with "Invalid input: "; the field path already says that.
  return issue.message.replace(/^Invalid (input|option): /, '');
}
