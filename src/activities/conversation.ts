/**
 * Conversation and message activities. Neither conversation create nor SEND_MESSAGE accepts an
 * Idempotency-Key, so a retry — which may follow an attempt whose request was applied but whose
 * response was lost (timeout, reset, 5xx, a worker crash) — first looks for what that attempt
 * created and adopts it. A customer never receives the first message twice.
 */
import { Context } from '@temporalio/activity';
import type {
  Action,
  Communication,
  CreateConversationRequest,
  MessageEndpoint,
  OrchestratorApi,
  SendMessageRequest,
} from '../api/types';

export interface ConversationCreation {
  conversationId: string;
  /** True when a retry found the conversation an earlier attempt had created. */
  adopted: boolean;
}

export type MessageSending =
  | { outcome: 'sent'; actionId: string; messageSid?: string; retryAfterMs?: number }
  /** A retry found the message an earlier attempt sent; the communication is the proof. */
  | { outcome: 'adopted'; communicationId: string };

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

export function conversationActivities(api: OrchestratorApi) {
  return {
    async createConversation(
      request: CreateConversationRequest & { name: string },
    ): Promise<ConversationCreation> {
      if (isRetryAttempt()) {
        for await (const conversation of api.conversations.list()) {
          if (
            conversation.configurationId === request.configurationId &&
            conversation.name === request.name
          ) {
            return { conversationId: conversation.id, adopted: true };
          }
        }
      }
      const conversation = await api.conversations.create(request);
      return { conversationId: conversation.id, adopted: false };
    },

    async sendMessage(conversationId: string, request: SendMessageRequest): Promise<MessageSending> {
      if (isRetryAttempt()) {
        for await (const communication of api.conversations.listCommunications(conversationId)) {
          if (isSameMessage(communication, request.payload)) {
            return { outcome: 'adopted', communicationId: communication.id };
          }
        }
      }
      const action = await api.actions.create(conversationId, request);
      return {
        outcome: 'sent',
        actionId: action.id,
        messageSid: action.related?.messageSid,
        retryAfterMs: action.retryAfterMs,
      };
    },

    async getAction(conversationId: string, actionId: string): Promise<Action> {
      return api.actions.get(conversationId, actionId);
    },
  };
}
