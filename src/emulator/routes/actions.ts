import type { ActionRecord } from '../actions';
import type { EmulatorCore } from '../core';
import { notFound } from '../errors';
import type { ApiReply, ApiRequest, Route } from '../router';
import type { ConversationRecord, Endpoint } from '../state';
import type { z } from 'zod';
import { sendMessageActionSchema, voiceIsReceiveOnly } from '../../api/request-schemas';
import { invalidRequest, parseRequestBody } from '../validation';
import { findConversation } from './conversations';

const API = { checkedBy: 'api' } as const;
const sendMessageAction = sendMessageActionSchema(API);
type MessageEndpoint = z.output<typeof sendMessageAction>['payload']['from'];

/**
 * Actions (`/v2/Conversations/{conversationId}/Actions`): SEND_MESSAGE answers 202 with the
 * Action PENDING and `related.messageSid`; it settles after `actionLatency` (see actions.ts for
 * the undeliverable-recipient rule). There is no Idempotency-Key: every POST sends a message.
 */
export function actionRoutes(core: EmulatorCore): Route[] {
  const base = '/v2/Conversations/{conversationId}/Actions';
  return [
    { method: 'POST', template: base, createsWork: true, handler: (request) => createAction(core, request) },
    { method: 'GET', template: `${base}/{actionId}`, handler: (request) => getAction(core, request) },
  ];
}

function createAction(core: EmulatorCore, request: ApiRequest): ApiReply {
  const conversation = findConversation(core, request);
  const { payload } = parseRequestBody(sendMessageAction, request.body);
  const problems: string[] = [];
  const author = resolveEndpoint(conversation, payload.from, 'payload.from', problems);
  const recipients = payload.to.map((to, i) =>
    resolveEndpoint(conversation, to, `payload.to[${i}]`, problems),
  );
  if (problems.length > 0) throw invalidRequest(problems);

  core.state.messagesSent++;
  const action = core.actions.start({
    conversation,
    author: author!,
    recipients: recipients as Endpoint[],
    text: payload.content.text ?? '',
    latency: core.options.actionLatency,
    fault: request.workFault,
  });
  return actionReply(core, action, request, 202);
}

/**
 * An endpoint as `{address, channel}`, taking what is missing (an address, its channel, or both)
 * from the named participant's addresses, or undefined with the problem added to `problems`.
 * VOICE is receive-only, so a participant's VOICE address cannot be a SEND_MESSAGE channel either.
 */
function resolveEndpoint(
  conversation: ConversationRecord,
  endpoint: MessageEndpoint,
  path: string,
  problems: string[],
): Endpoint | undefined {
  const { participantId } = endpoint;
  let address: string | undefined = endpoint.address;
  let channel: string | undefined = endpoint.channel;
  if (participantId !== undefined) {
    const participant = conversation.participants.find((p) => p.id === participantId);
    if (!participant) {
      problems.push(`${path}.participantId: no participant ${participantId} in this conversation`);
      return undefined;
    }
    const known = participant.addresses.find((a) => channel === undefined || a.channel === channel);
    address ??= known?.address;
    channel ??= known?.channel;
  }
  if (address === undefined || channel === undefined) {
    problems.push(`${path}: needs address and channel, or a participantId with an address`);
    return undefined;
  }
  if (channel === 'VOICE') {
    problems.push(`${path}.channel: ${voiceIsReceiveOnly(API)}`);
    return undefined;
  }
  return { address, channel, ...(participantId === undefined ? {} : { participantId }) };
}

function getAction(core: EmulatorCore, request: ApiRequest): ApiReply {
  const conversationId = request.params.conversationId!;
  const actionId = request.params.actionId!;
  const action = core.actions.read(conversationId, actionId);
  if (!action) throw notFound(`No action with ID ${actionId} in conversation ${conversationId}`);
  return actionReply(core, action, request, 200);
}

function actionReply(
  core: EmulatorCore,
  action: ActionRecord,
  request: ApiRequest,
  status: 200 | 202,
): ApiReply {
  const headers: Record<string, string> = {
    Location: `${request.baseUrl}/v2/Conversations/${action.conversationId}/Actions/${action.id}`,
  };
  if (action.status === 'PENDING') headers['Retry-After'] = String(core.options.retryAfterSeconds);
  return { status, body: renderAction(core, action), headers };
}

function renderAction(core: EmulatorCore, action: ActionRecord): Record<string, unknown> {
  const related: Record<string, string> = { messageSid: action.messageSid };
  if (action.communicationId !== undefined) related.communicationId = action.communicationId;
  return {
    id: action.id,
    type: action.type,
    status: action.status,
    conversationId: action.conversationId,
    related,
    ...(action.failureReason === undefined ? {} : { failureReason: action.failureReason }),
    createdAt: core.clock.iso(action.createdAt),
    updatedAt: core.clock.iso(action.updatedAt),
    ...(action.completedAt === undefined ? {} : { completedAt: core.clock.iso(action.completedAt) }),
  };
}
