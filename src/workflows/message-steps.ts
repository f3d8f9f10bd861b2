/**
 * The last two steps: send the conversation's first message (SEND_MESSAGE), then wait for its
 * Action to COMPLETE. The message is sent at most once, whatever fails in between.
 */
import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import type { MessageSending } from '../activities';
import type { SendMessageRequest } from '../api/types';
import { MESSAGE_OUTCOME_UNKNOWN } from './definitions';
import type { ProvisionInput } from './provision-input';
import { awaitStep, type StepContext } from './step-context';
import { classifyAction } from './verdicts';

export async function sendFirstMessage(
  message: ProvisionInput['message'],
  conversationId: string,
  context: StepContext,
): Promise<void> {
  context.progress.begin('send-message');
  const request: SendMessageRequest = {
    type: 'SEND_MESSAGE',
    payload: { from: message.from, to: message.to, content: { text: message.text } },
  };
  const sending = await sendOrFindMessage(request, conversationId, context);

  context.progress.begin('await-message');
  if (sending.outcome === 'adopted') {
    log.info(
      `Message already sent by an earlier attempt: communication ${sending.communicationId}; not resending`,
    );
    context.progress.found({ communicationId: sending.communicationId });
    return;
  }
  const { actionId } = sending;
  context.progress.found({ actionId, messageSid: sending.messageSid });
  const { value: action } = await awaitStep(context, 'await-message', {
    subject: 'SEND_MESSAGE action',
    operationId: actionId,
    poll: () =>
      context.activities(`poll SEND_MESSAGE action ${actionId}`).getAction(conversationId, actionId),
    classify: classifyAction,
    firstPoll: 'after-wait',
    retryAfterMs: sending.retryAfterMs,
  });
  context.progress.found({
    messageSid: action.related?.messageSid,
    communicationId: action.related?.communicationId,
  });
}

/**
 * Sends the message once. When the send's outcome is unknown, the message may be on its way
 * (its Action PENDING, not listed yet): keep looking for it until the polling deadline rather
 * than risk sending it twice.
 */
async function sendOrFindMessage(
  request: SendMessageRequest,
  conversationId: string,
  context: StepContext,
): Promise<MessageSending> {
  try {
    return await context
      .activities(`send the first message in conversation ${conversationId}`)
      .sendMessage(conversationId, request);
  } catch (error) {
    const outcomeUnknown =
      error instanceof ActivityFailure &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === MESSAGE_OUTCOME_UNKNOWN;
    if (!outcomeUnknown) throw error;
    log.warn(`SEND_MESSAGE outcome unknown in conversation ${conversationId}; looking for the message`);
    const { value: communicationId } = await awaitStep(context, 'send-message', {
      subject: 'message of an unconfirmed SEND_MESSAGE in conversation',
      operationId: conversationId,
      poll: () =>
        context
          .activities(`look for the unconfirmed message in conversation ${conversationId}`)
          .findSentMessage(conversationId, request),
      classify: (found) => (found ? { state: 'done' } : { state: 'pending', status: 'NOT_LISTED' }),
      firstPoll: 'immediately',
    });
    return { outcome: 'adopted', communicationId: communicationId! };
  }
}
