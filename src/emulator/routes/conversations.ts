import type { EmulatorCore } from '../core';
import { badRequest, notFound } from '../errors';
import { newId } from '../ids';
import { paginate, queryParam } from '../pagination';
import type { ApiReply, ApiRequest, Route } from '../router';
import type { ConversationRecord } from '../state';
import { PAGE_SIZES } from '../../api/field-rules';
import { conversationCreateSchema } from '../../api/request-schemas';
import { parseRequestBody } from '../validation';

const CONVERSATION_STATUSES = ['ACTIVE', 'INACTIVE', 'CLOSED'] as const;
const conversationCreate = conversationCreateSchema({ checkedBy: 'api' });

/**
 * Conversations (`/v2/Conversations`): create is synchronous (201, participants get IDs), DELETE
 * is async (202, accepts `Idempotency-Key`) and removes the conversation when it completes.
 * Communications are the messages SEND_MESSAGE actions delivered (see actions.ts).
 */
export function conversationRoutes(core: EmulatorCore): Route[] {
  const base = '/v2/Conversations';
  const one = `${base}/{conversationId}`;
  return [
    { method: 'POST', template: base, handler: (request) => createConversation(core, request) },
    { method: 'GET', template: base, handler: (request) => listConversations(core, request) },
    {
      method: 'GET',
      template: one,
      handler: (request) => ({ status: 200, body: renderConversation(findConversation(core, request)) }),
    },
    {
      method: 'DELETE',
      template: one,
      createsWork: true,
      handler: core.idempotency.wrap((request) => deleteConversation(core, request)),
    },
    {
      method: 'GET',
      template: `${one}/Communications`,
      handler: (request) => listCommunications(core, request),
    },
    {
      method: 'GET',
      template: `${one}/Communications/{communicationId}`,
      handler: (request) => getCommunication(core, request),
    },
  ];
}

function createConversation(core: EmulatorCore, request: ApiRequest): ApiReply {
  const { configurationId, name, participants = [] } = parseRequestBody(conversationCreate, request.body);
  if (!core.state.configurations.has(configurationId)) {
    throw notFound(`configurationId: no configuration with ID ${configurationId}`);
  }

  const now = core.clock.iso();
  const conversation: ConversationRecord = {
    id: newId('conversation'),
    accountId: core.accountSid,
    configurationId,
    status: 'ACTIVE',
    name: name ?? null,
    createdAt: now,
    updatedAt: now,
    participants: [],
    communications: [],
  };
  conversation.participants = participants.map(({ name = '', type, profileId, addresses = [] }) => ({
    id: newId('participant'),
    conversationId: conversation.id,
    accountId: conversation.accountId,
    name,
    addresses: addresses.map(({ channel, address, channelId }) => ({
      channel,
      address,
      ...(channelId === undefined ? {} : { channelId }),
    })),
    createdAt: now,
    updatedAt: now,
    ...(type === undefined ? {} : { type }),
    ...(profileId === undefined ? {} : { profileId }),
  }));
  core.state.conversations.set(conversation.id, conversation);
  return { status: 201, body: renderConversation(conversation) };
}

function listConversations(core: EmulatorCore, request: ApiRequest): ApiReply {
  const statuses = request.query
    .getAll('status')
    .concat(request.query.getAll('Status'))
    .flatMap((value) => value.split(','))
    .filter((value) => value !== '');
  const unknown = statuses.find((status) => !(CONVERSATION_STATUSES as readonly string[]).includes(status));
  if (unknown !== undefined) {
    throw badRequest(`status: must be one of ${CONVERSATION_STATUSES.join(', ')} (got '${unknown}')`);
  }
  const channelId = queryParam(request.query, 'channelId');
  const matching = [...core.state.conversations.values()].filter(
    (conversation) =>
      (statuses.length === 0 || statuses.includes(conversation.status)) &&
      (channelId === null || usesChannelId(conversation, channelId)),
  );
  const { page, meta } = paginate(matching, request.query, core.pageTokens, {
    list: `conversations:${[...statuses].sort().join(',')}:${channelId ?? ''}`,
    key: 'conversations',
    bounds: PAGE_SIZES.conversations,
  });
  return { status: 200, body: { conversations: page.map(renderConversation), meta } };
}

/** A conversation "uses" a channel ID (call or message SID) through an address or a communication. */
function usesChannelId(conversation: ConversationRecord, channelId: string): boolean {
  return (
    conversation.participants.some((p) => p.addresses.some((address) => address.channelId === channelId)) ||
    conversation.communications.some((communication) => communication.channelId === channelId)
  );
}

function deleteConversation(core: EmulatorCore, request: ApiRequest): ApiReply {
  const conversation = findConversation(core, request);
  const operation = core.startOperation(request, {
    host: 'conversations',
    related: { conversationId: conversation.id },
    complete: () => {
      core.state.conversations.delete(conversation.id);
    },
  });
  return core.accepted(operation, {
    statusUrl: operation.statusUrl,
    related: { conversationId: conversation.id },
  });
}

function listCommunications(core: EmulatorCore, request: ApiRequest): ApiReply {
  const conversation = findConversation(core, request);
  const channelId = queryParam(request.query, 'channelId');
  const communications = conversation.communications.filter(
    (communication) => channelId === null || communication.channelId === channelId,
  );
  const { page, meta } = paginate(communications, request.query, core.pageTokens, {
    list: `communications:${conversation.id}:${channelId ?? ''}`,
    key: 'communications',
    bounds: PAGE_SIZES.conversations,
  });
  return { status: 200, body: { communications: page, meta } };
}

function getCommunication(core: EmulatorCore, request: ApiRequest): ApiReply {
  const conversation = findConversation(core, request);
  const id = request.params.communicationId!;
  const communication = conversation.communications.find((c) => c.id === id);
  if (!communication) throw notFound(`No communication with ID ${id} in conversation ${conversation.id}`);
  return { status: 200, body: communication };
}

/** The conversation named by the `conversationId` path parameter, or 404. */
export function findConversation(core: EmulatorCore, request: ApiRequest): ConversationRecord {
  const id = request.params.conversationId!;
  const conversation = core.state.conversations.get(id);
  if (!conversation) throw notFound(`No conversation with ID ${id}`);
  return conversation;
}

function renderConversation(conversation: ConversationRecord): Record<string, unknown> {
  const { id, accountId, configurationId, status, name, createdAt, updatedAt, participants } = conversation;
  return { id, accountId, configurationId, status, name, createdAt, updatedAt, participants };
}
