import type { ActionRecord } from '../actions';
import type { EmulatorCore } from '../core';
import { notFound } from '../errors';
import type { ApiReply, ApiRequest, Route } from '../router';
import type { ConversationRecord, Endpoint } from '../state';
import { CHANNELS, MAX_RECIPIENTS, addressProblem } from '../../workflows/input-rules';
import { type JsonObject, Validator, isHttpUrl, requireBodyObject } from '../validation';
import { findConversation } from './conversations';

const CONTENT_FIELDS = ['text', 'contentId', 'variables', 'mediaUrls'] as const;

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
  const body = requireBodyObject(request.body);
  const check = new Validator();
  check.string(body.type, 'type', { required: true, oneOf: ['SEND_MESSAGE'] });
  const payload = check.object(body.payload, 'payload', true);
  let author: Endpoint | undefined;
  let recipients: (Endpoint | undefined)[] = [];
  let text = '';
  if (payload) {
    author = resolveEndpoint(
      check,
      conversation,
      check.object(payload.from, 'payload.from', true),
      'payload.from',
    );
    const to =
      check.array(payload.to, 'payload.to', { required: true, minItems: 1, maxItems: MAX_RECIPIENTS }) ?? [];
    recipients = to.map((item, i) =>
      resolveEndpoint(check, conversation, check.object(item, `payload.to[${i}]`, true), `payload.to[${i}]`),
    );
    text = checkContent(check, check.object(payload.content, 'payload.content', true));
    check.object(payload.channelSettings, 'payload.channelSettings');
  }
  check.done();

  core.state.messagesSent++;
  const action = core.actions.start({
    conversation,
    author: author!,
    recipients: recipients as Endpoint[],
    text,
    latency: core.options.actionLatency,
    fault: request.workFault,
  });
  return actionReply(core, action, request, 202);
}

/**
 * An endpoint as `{address, channel}`, taking what is missing from the named participant's
 * addresses. VOICE is receive-only, so it cannot be a SEND_MESSAGE channel.
 */
function resolveEndpoint(
  check: Validator,
  conversation: ConversationRecord,
  endpoint: JsonObject | undefined,
  path: string,
): Endpoint | undefined {
  if (!endpoint) return undefined;
  const participantId = check.string(endpoint.participantId, `${path}.participantId`);
  let channel = check.string(endpoint.channel, `${path}.channel`, { oneOf: CHANNELS });
  // An explicit address is written as its channel writes addresses.
  let address = check.string(endpoint.address, `${path}.address`, {
    problem: (value) => addressProblem(channel ?? '', value),
  });
  if (participantId !== undefined) {
    const participant = conversation.participants.find((p) => p.id === participantId);
    if (!participant)
      return check.fail(`${path}.participantId`, `no participant ${participantId} in this conversation`);
    const known = participant.addresses.find((a) => channel === undefined || a.channel === channel);
    address ??= known?.address;
    channel ??= known?.channel;
  }
  if (address === undefined || channel === undefined) {
    return check.fail(path, 'needs address and channel, or a participantId with an address');
  }
  if (channel === 'VOICE')
    return check.fail(`${path}.channel`, 'VOICE is receive-only: SEND_MESSAGE cannot send on it');
  return { address, channel, ...(participantId === undefined ? {} : { participantId }) };
}

/** Validates `payload.content` (a closed object) and returns the text to record. */
function checkContent(check: Validator, content: JsonObject | undefined): string {
  if (!content) return '';
  check.onlyKnown(content, 'payload.content', CONTENT_FIELDS);
  const text = check.string(content.text, 'payload.content.text', { visible: true });
  const contentId = check.string(content.contentId, 'payload.content.contentId', { minLength: 1 });
  check.stringMap(content.variables, 'payload.content.variables');
  const mediaUrls = check.array(content.mediaUrls, 'payload.content.mediaUrls');
  mediaUrls?.forEach((url, i) => {
    const value = check.string(url, `payload.content.mediaUrls[${i}]`, { required: true });
    if (value !== undefined && !isHttpUrl(value))
      check.fail(`payload.content.mediaUrls[${i}]`, 'must be an http(s) URL');
  });
  if (text === undefined && contentId === undefined && !mediaUrls?.length) {
    check.fail('payload.content', 'needs text, contentId or mediaUrls');
  }
  return text ?? '';
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
