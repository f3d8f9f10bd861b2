/**
 * Conversation and message activities. Neither conversation create nor SEND_MESSAGE accepts an
 * Idempotency-Key.
 *
 * A conversation is created synchronously and listed at once, so a retry — which may follow an
 * attempt whose request was applied but whose response was lost (timeout, reset, 5xx, a worker
 * crash) — first looks for what that attempt created and adopts it. So does a first attempt when
 * the workflow asks (`lookFirst: 'always'`): under a configuration an earlier run made.
 *
 * The look sees only what the server has applied, and the retry must not run alongside the POST
 * of the attempt before it: every request of an attempt ends within it (./within-attempt: a third
 * of the attempt's timeout, and aborted with the activity). What remains open, and cannot be
 * closed without an Idempotency-Key, leaves two conversations of the same name (a later look
 * adopts the first listed):
 * - a server that applies the POST after the client gave up on it (timeout or abort) and after
 *   the retry looked, at least a second of backoff later;
 * - an attempt whose look took long (many pages, each up to the request timeout) and whose POST
 *   went out late: Temporal may time the attempt out, and start the retry, while that POST is
 *   still in flight.
 *
 * A message is listed only once its Action COMPLETES, so a look right after a failed send proves
 * nothing. `sendMessage` therefore just sends, once (its activity is never retried by Temporal);
 * the workflow, which knows how the attempt failed, decides whether to send again or to keep
 * looking (`findSentMessage`): a customer never receives the first message twice.
 */
import { Context } from '@temporalio/activity';
import type {
  Action,
  Communication,
  CreateConversationRequest,
  MessageEndpoint,
  OrchestratorApi,
  RequestOptions,
  SendMessageRequest,
} from '../api/types';
import { withinAttempt } from './within-attempt';

export interface ConversationCreation {
  conversationId: string;
  /** True when the look found the conversation an earlier attempt or run had created. */
  adopted: boolean;
}

/**
 * When to look for a conversation of the same name under the configuration before creating one:
 * on a retry attempt only (the configuration is new, so only this activity's earlier attempt can
 * have made one), or always (the configuration existed before this run).
 */
export type ConversationLookFirst = 'on-retry' | 'always';

/** A SEND_MESSAGE the API accepted: its Action is PENDING. */
export interface MessageAccepted {
  actionId: string;
  messageSid?: string;
  /** The 202's Retry-After: when to read the Action first. */
  retryAfterMs?: number;
}

function isRetryAttempt(): boolean {
  return Context.current().info.attempt > 1;
}

function sameEndpoint(
  recipient: NonNullable<Communication['recipients']>[number],
  wanted: MessageEndpoint,
): boolean {
  if (wanted.participantId) return recipient.participantId === wanted.participantId;
  const sameChannel =
    !wanted.channel || !recipient.channel || recipient.channel.toUpperCase() === wanted.channel.toUpperCase();
  return recipient.address === wanted.address && sameChannel;
}

/** The same text to every intended recipient. */
function isSameMessage(communication: Communication, payload: SendMessageRequest['payload']): boolean {
  if (communication.content?.text !== payload.content.text) return false;
  const recipients = communication.recipients ?? [];
  return payload.to.every((wanted) => recipients.some((recipient) => sameEndpoint(recipient, wanted)));
}

/** The configuration's conversation of this name; the list cannot be filtered by either. */
export async function findConversation(
  api: OrchestratorApi,
  configurationId: string,
  name: string,
  options: RequestOptions,
): Promise<string | undefined> {
  for await (const conversation of api.conversations.list(options)) {
    if (conversation.configurationId === configurationId && conversation.name === name)
      return conversation.id;
  }
  return undefined;
}

async function findCommunication(
  api: OrchestratorApi,
  conversationId: string,
  payload: SendMessageRequest['payload'],
  options: RequestOptions,
): Promise<string | undefined> {
  for await (const communication of api.conversations.listCommunications(conversationId, options)) {
    if (isSameMessage(communication, payload)) return communication.id;
  }
  return undefined;
}

export function conversationActivities(api: OrchestratorApi) {
  return {
    async createConversation(
      request: CreateConversationRequest & { name: string },
      lookFirst: ConversationLookFirst,
    ): Promise<ConversationCreation> {
      const options = withinAttempt();
      if (lookFirst === 'always' || isRetryAttempt()) {
        const earlier = await findConversation(api, request.configurationId, request.name, options);
        if (earlier) return { conversationId: earlier, adopted: true };
      }
      const conversation = await api.conversations.create(request, options);
      return { conversationId: conversation.id, adopted: false };
    },

    /**
     * One SEND_MESSAGE POST. Its activity runs once: whether a failure may be followed by another
     * send depends on the `retrySafety` its `ApplicationFailure` carries (../workflows/message-steps).
     */
    async sendMessage(conversationId: string, request: SendMessageRequest): Promise<MessageAccepted> {
      const action = await api.actions.create(conversationId, request, withinAttempt());
      return {
        actionId: action.id,
        messageSid: action.related?.messageSid,
        retryAfterMs: action.retryAfterMs,
      };
    },

    /** The ID of the communication carrying this message, once the API lists it. */
    async findSentMessage(conversationId: string, request: SendMessageRequest): Promise<string | null> {
      return (await findCommunication(api, conversationId, request.payload, withinAttempt())) ?? null;
    },

    async getAction(conversationId: string, actionId: string): Promise<Action> {
      return api.actions.get(conversationId, actionId, withinAttempt());
    },
  };
}
