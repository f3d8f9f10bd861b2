/**
 * The one input of a provisioning, validated by the same zod schema at the client (before
 * anything starts) and at the workflow's start (fail fast, non-retryable).
 *
 * Deterministic and free of I/O: the workflow bundle imports this file. Rules mirror the
 * API's (see ../shared/reference/api-notes.md), so bad input is refused with a message naming
 * the field and the rule instead of surfacing as a 400 halfway through a provisioning.
 */
import { z } from 'zod';
import { maxPollsBeforeDeadline, resolvePollingPolicy } from './polling-policy';

const STORE_DISPLAY_NAME = /^[a-zA-Z0-9-]+$/;
const CONFIGURATION_DISPLAY_NAME = /^[a-zA-Z0-9-_ ]+$/;
const STORE_ID = /^mem_(store|service)_[0-7][0-9a-z]{25}$/;
const CONVERSATION_ID = /^conv_conversation_[0-9a-z]+$/;
const INTELLIGENCE_SERVICE_ID = /^IS[0-9a-f]{32}$/;

/** Applied by the workflow when the input names no grouping. */
export const DEFAULT_CONVERSATION_GROUPING = 'GROUP_BY_PARTICIPANT_ADDRESSES' as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const newStore = z.strictObject({
  displayName: z.string().regex(STORE_DISPLAY_NAME, 'must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)'),
  description: z.string().min(1).max(128, 'must be at most 128 characters').optional(),
});
const existingStore = z.strictObject({
  existingStoreId: z.string().regex(STORE_ID, 'must be a memory store ID (mem_store_ + 26 characters)'),
});

const channelType = z.enum(['VOICE', 'SMS', 'RCS', 'WHATSAPP', 'CHAT']);
const channelSettings = z.strictObject({
  statusTimeouts: z
    .strictObject({
      inactive: z.number().int().positive().optional(),
      closed: z.number().int().positive().optional(),
    })
    .optional(),
  captureRules: z
    .array(
      z.strictObject({ from: nonEmpty, to: nonEmpty, metadata: z.record(z.string(), z.string()).optional() }),
    )
    .optional(),
});

const configuration = z.strictObject({
  displayName: z
    .string()
    .min(1, 'must not be empty')
    .max(32, 'must be at most 32 characters')
    .regex(
      CONFIGURATION_DISPLAY_NAME,
      'must match ^[a-zA-Z0-9-_ ]+$ (letters, digits, dash, underscore, space)',
    ),
  description: nonEmpty,
  conversationGroupingType: z
    .enum([
      'GROUP_BY_PROFILE',
      'GROUP_BY_PARTICIPANT_ADDRESSES',
      'GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE',
    ])
    .optional(),
  channelSettings: z.partialRecord(channelType, channelSettings).optional(),
  statusCallbacks: z
    .array(z.strictObject({ url: z.url({ protocol: /^https?$/ }), method: z.enum(['GET', 'POST']) }))
    .max(2, 'at most 2 status callbacks on create')
    .optional(),
  intelligenceConfigurationIds: z.array(nonEmpty).max(5, 'at most 5 intelligence configurations').optional(),
  memoryExtractionEnabled: z.boolean().optional(),
  conversationsV1Bridge: z
    .strictObject({ serviceId: z.string().regex(INTELLIGENCE_SERVICE_ID, 'must match ^IS[0-9a-f]{32}$') })
    .optional(),
});

const participant = z.strictObject({
  name: z.string().optional(),
  type: z.enum(['HUMAN_AGENT', 'CUSTOMER', 'AI_AGENT']).optional(),
  profileId: z.string().optional(),
  addresses: z
    .array(z.strictObject({ channel: nonEmpty, address: nonEmpty, channelId: z.string().optional() }))
    .optional(),
});

const newConversation = z.strictObject({
  // The name is how a retry finds a conversation an earlier attempt created: it is required.
  name: nonEmpty.max(256, 'must be at most 256 characters'),
  participants: z.array(participant).optional(),
});
const existingConversation = z.strictObject({
  existingConversationId: z
    .string()
    .regex(CONVERSATION_ID, 'must be a conversation ID (conv_conversation_...)'),
});

const messageEndpoint = z
  .strictObject({
    participantId: z.string().optional(),
    address: z.string().optional(),
    channel: z.string().optional(),
  })
  .refine((e) => Boolean(e.participantId || e.address), 'needs a participantId or an address')
  .refine(
    (e) => e.channel?.toUpperCase() !== 'VOICE',
    'VOICE is receive-only: a message cannot be sent over it',
  );

const message = z.strictObject({
  from: messageEndpoint,
  to: z.array(messageEndpoint).min(1, 'needs at least one recipient'),
  text: nonEmpty.max(1600, 'must be at most 1600 characters'),
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

const polling = z
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

export const provisionInputSchema = z.strictObject({
  /** Names the provisioning: its workflow ID becomes `provision-<provisioningId>`. */
  provisioningId: z
    .string()
    .regex(/^[a-zA-Z0-9-_]{1,64}$/, 'must be 1-64 characters of letters, digits, dash or underscore')
    .optional(),
  memoryStore: z.union([newStore, existingStore], {
    error: 'give either { displayName } to create a store or { existingStoreId } to use one',
  }),
  configuration,
  conversation: z.union([newConversation, existingConversation], {
    error: 'give either { name } to create a conversation or { existingConversationId } to use one',
  }),
  message,
  polling: polling.optional(),
});

/** What callers pass. */
export type ProvisionInput = z.input<typeof provisionInputSchema>;
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
export function parseProvisionInput(raw: unknown): ProvisionInput {
  const parsed = provisionInputSchema.safeParse(raw, { error: requiredFieldMessage });
  if (parsed.success) return parsed.data;
  throw new InvalidProvisionInputError(parsed.error.issues.flatMap((issue) => toInputIssues(issue, [])));
}

/** Lower precedence than the schema's own messages: only fills in zod's generic ones. */
function requiredFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
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
function toInputIssues(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): InputIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return [{ path: joinPath(path), message: issue.message }];
  }
  const sizes = issue.errors.map((branch) => branch.length);
  const fewest = Math.min(...sizes);
  const closest = issue.errors.filter((branch) => branch.length === fewest);
  if (closest.length !== 1 || !closest[0]) return [{ path: joinPath(path), message: issue.message }];
  return closest[0].flatMap((inner) => toInputIssues(inner, path));
}
