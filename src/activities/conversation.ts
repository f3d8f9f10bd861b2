/**
 * Conversation and message activities. Neither conversation create nor SEND_MESSAGE accepts an
 * Idempotency-Key, so a retry — which may follow an attempt whose request was applied but whose
 * response was lost (timeout, reset, 5xx, a worker crash) — first looks for what that attempt
 * created and adopts it. A message is only listed once its Action completes, so a send with an
 * unknown outcome goes back to the workflow, which keeps looking rather than sending again:
 * a customer never receives the first message twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { OrchestratorApiError } from '../api/errors';
import { MESSAGE_OUTCOME_UNKNOWN } from '../workflows/definitions';
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

async function findCommunication(
  api: OrchestratorApi,
  conversationId: string,
  payload: SendMessageRequest['payload'],
): Promise<string | undefined> {
  for await (const communication of api.conversations.listCommunications(conversationId)) {
    if (isSameMessage(communication, payload)) return communication.id;
  }
  return undefined;
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

    /**
     * Sends SEND_MESSAGE. A retry first looks for the message an earlier attempt may have sent
     * (that attempt crashed or timed out). A send whose outcome is unknown (5xx, reset or timeout
     * after the request left) is not retried here: the Action it may have started can still be
     * PENDING, its message not yet listed, so the workflow keeps looking (`findSentMessage`)
     * instead of sending again.
     */
    async sendMessage(conversationId: string, request: SendMessageRequest): Promise<MessageSending> {
      if (isRetryAttempt()) {
        const communicationId = await findCommunication(api, conversationId, request.payload);
        if (communicationId) return { outcome: 'adopted', communicationId };
      }
      try {
        const action = await api.actions.create(conversationId, request);
        return {
          outcome: 'sent',
          actionId: action.id,
          messageSid: action.related?.messageSid,
          retryAfterMs: action.retryAfterMs,
        };
      } catch (error) {
        if (error instanceof OrchestratorApiError && error.retrySafety === 'if-idempotent') {
          throw ApplicationFailure.create({
            type: MESSAGE_OUTCOME_UNKNOWN,
            nonRetryable: true,
            message: `SEND_MESSAGE in conversation ${conversationId} may have been applied (${error.message}); not resending`,
            cause: error,
          });
        }
        throw error;
      }
    },

    /** The ID of the communication carrying this message, once the API lists it. */
    async findSentMessage(conversationId: string, request: SendMessageRequest): Promise<string | null> {
      return (await findCommunication(api, conversationId, request.payload)) ?? null;
    },

    async getAction(conversationId: string, actionId: string): Promise<Action> {
      return api.actions.get(conversationId, actionId);
    },
  };
}
