/**
 * zod schemas of every response body the client reads. Objects are loose (unknown fields pass
 * through, so a new server field never breaks the client); known fields with a wrong type are
 * rejected with a `ResponseValidationError` naming the field path.
 *
 * ID prefixes are deliberately not checked: the pages show both `cfg_configuration_` and
 * `conv_configuration_` for the same resource.
 */
import { z } from 'zod';
import { ResponseValidationError } from './errors';
import type {
  Action,
  Communication,
  Configuration,
  Conversation,
  MemoryStore,
  Operation,
  OperationError,
  Participant,
} from './types';

const stringMap = z.record(z.string(), z.string());

const operationErrorSchema: z.ZodType<OperationError> = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().int().optional(),
  code: z.union([z.number().int(), z.string()]).optional(),
  detail: z.string().optional(),
  instance: z.string().optional(),
});

/**
 * Both hosts' operation bodies: Memory's carries `result` and an error with `code`,
 * Conversations' carries `related` and an RFC 9457 error. One schema reads either.
 */
export const operationSchema: z.ZodType<Omit<Operation, 'retryAfterMs'>> = z.looseObject({
  operationId: z.string().min(1),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  createdAt: z.string().optional(),
  completedAt: z.string().nullish(),
  statusUrl: z.string().optional(),
  result: z.looseObject({ type: z.string().optional(), id: z.string().optional() }).nullish(),
  related: stringMap.nullish(),
  error: operationErrorSchema.nullish(),
});

/** Body of a 202: Conversations sends `{statusUrl, related?}`, Memory `{message, statusUrl}`. */
export const acceptedBodySchema = z.looseObject({
  statusUrl: z.string().min(1).optional(),
  related: stringMap.nullish(),
  message: z.string().optional(),
});

export const storeSchema: z.ZodType<MemoryStore> = z.looseObject({
  id: z.string().min(1),
  displayName: z.string(),
  description: z.string().nullish(),
  status: z.enum(['QUEUED', 'PROVISIONING', 'ACTIVE', 'FAILED']),
  intelligenceServiceId: z.string().nullish(),
  version: z.number().int().optional(),
});

const channelSettingsSchema = z.looseObject({
  statusTimeouts: z
    .looseObject({ inactive: z.number().optional(), closed: z.number().optional() })
    .optional(),
  captureRules: z
    .array(z.looseObject({ from: z.string(), to: z.string(), metadata: stringMap.optional() }))
    .optional(),
});

export const configurationSchema: z.ZodType<Configuration> = z.looseObject({
  id: z.string().min(1),
  displayName: z.string(),
  description: z.string(),
  conversationGroupingType: z.enum([
    'GROUP_BY_PROFILE',
    'GROUP_BY_PARTICIPANT_ADDRESSES',
    'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
  ]),
  memoryStoreId: z.string(),
  // Keyed by channel type; keys are not checked so a new channel does not break reads.
  channelSettings: z.record(z.string(), channelSettingsSchema).optional(),
  // `method` is optional with POST as its default; the request schema allows all five methods.
  statusCallbacks: z
    .array(
      z.looseObject({
        url: z.string(),
        method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']).default('POST'),
      }),
    )
    .optional(),
  intelligenceConfigurationIds: z.array(z.string()).optional(),
  memoryExtractionEnabled: z.boolean().optional(),
  conversationsV1Bridge: z.looseObject({ serviceId: z.string() }).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  version: z.number().int().optional(),
});

const participantSchema: z.ZodType<Participant> = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.enum(['HUMAN_AGENT', 'CUSTOMER', 'AI_AGENT', 'AGENT', 'UNKNOWN']).optional(),
  profileId: z.string().optional(),
  addresses: z
    .array(z.looseObject({ channel: z.string(), address: z.string(), channelId: z.string().optional() }))
    .optional(),
});

export const conversationSchema: z.ZodType<Conversation> = z.looseObject({
  id: z.string().min(1),
  accountId: z.string().optional(),
  configurationId: z.string(),
  status: z.enum(['ACTIVE', 'INACTIVE', 'CLOSED']).optional(),
  name: z.string().nullish(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  participants: z.array(participantSchema).optional(),
});

const endpointSchema = z.looseObject({
  address: z.string().optional(),
  channel: z.string().optional(),
  participantId: z.string().optional(),
});

export const communicationSchema: z.ZodType<Communication> = z.looseObject({
  id: z.string().min(1),
  conversationId: z.string().optional(),
  author: endpointSchema.nullish(),
  content: z.looseObject({ text: z.string().nullish() }).nullish(),
  recipients: z.array(endpointSchema).optional(),
  createdAt: z.string().optional(),
});

export const actionSchema: z.ZodType<Omit<Action, 'retryAfterMs'>> = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  status: z.enum(['PENDING', 'COMPLETED', 'FAILED']),
  conversationId: z.string(),
  related: stringMap.optional(),
  failureReason: z.string().nullish(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  completedAt: z.string().nullish(),
});

export const storeIdSchema = z.string().min(1);

/**
 * Envelope of every list response. The spec requires `meta.key` and `meta.pageSize` on most
 * lists but not on communications, so both are optional here and defaulted by the paginator.
 */
export const pageEnvelopeSchema = z.looseObject({
  meta: z.looseObject({
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

/** `label.a[0].b: rule; label.c: rule` — field paths and rules only, never the values. */
export function describeIssues(label: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${fieldPath(label, issue.path)}: ${describeRule(issue)}`).join('; ');
}

function fieldPath(label: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    label,
  );
}

function describeRule(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join('|')}`;
  // zod prefixes its messages with "Invalid input: "; the field path already says that.
  return issue.message.replace(/^Invalid (input|option): /, '');
}
