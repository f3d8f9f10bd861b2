/**
 * How a poll of an operation or an Action reads: pending, done, or a failure that carries
 * everything a person needs (the operation's error type, title, detail, code and its ID).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { Action, Operation, StoreStatus } from '../api/types';
import { FailureType } from './failure-types';
import type { PollVerdict } from './poll-operation';

/** RUNNING is pending; FAILED and CANCELLED fail the step with the operation's error. */
export function classifyOperation(subject: string): (operation: Operation) => PollVerdict {
  return (operation) => {
    switch (operation.status) {
      case 'PENDING':
      case 'RUNNING':
        return { state: 'pending', status: operation.status, retryAfterMs: operation.retryAfterMs };
      case 'COMPLETED':
        return { state: 'done' };
      case 'FAILED':
      case 'CANCELLED':
        return { state: 'failed', failure: operationFailure(subject, operation) };
    }
  };
}

function operationFailure(subject: string, operation: Operation): ApplicationFailure {
  const { operationId, status } = operation;
  const error = operation.error ?? {};
  const what = [error.title, error.detail].filter(Boolean).join(': ') || 'no error details given';
  const codes = [error.code !== undefined && `code ${error.code}`, error.type && `type ${error.type}`].filter(
    Boolean,
  );
  return ApplicationFailure.create({
    type: status === 'CANCELLED' ? FailureType.OperationCancelled : FailureType.OperationFailed,
    nonRetryable: true,
    message: `${subject} ${operationId} ${status}: ${what}${codes.length ? ` (${codes.join(', ')})` : ''}`,
    details: [{ operationId, status, error }],
  });
}

/** A SEND_MESSAGE Action: PENDING until COMPLETED; FAILED carries `failureReason`. */
export function classifyAction(action: Action): PollVerdict {
  switch (action.status) {
    case 'PENDING':
      return { state: 'pending', status: action.status, retryAfterMs: action.retryAfterMs };
    case 'COMPLETED':
      return { state: 'done' };
    case 'FAILED': {
      const failureReason = action.failureReason ?? 'no reason given';
      return {
        state: 'failed',
        failure: ApplicationFailure.create({
          type: FailureType.MessageSendFailed,
          nonRetryable: true,
          message: `SEND_MESSAGE action ${action.id} FAILED: ${failureReason}`,
          details: [{ actionId: action.id, conversationId: action.conversationId, failureReason }],
        }),
      };
    }
  }
}

/** A memory store adopted from an earlier attempt: QUEUED and PROVISIONING are pending. */
export function classifyStore(store: { id: string; status: StoreStatus }): PollVerdict {
  switch (store.status) {
    case 'QUEUED':
    case 'PROVISIONING':
      return { state: 'pending', status: store.status };
    case 'ACTIVE':
      return { state: 'done' };
    case 'FAILED':
      return {
        state: 'failed',
        failure: ApplicationFailure.create({
          type: FailureType.MemoryStoreFailed,
          nonRetryable: true,
          message: `memory store ${store.id} is FAILED: delete it or choose another displayName`,
          details: [{ storeId: store.id }],
        }),
      };
  }
}
