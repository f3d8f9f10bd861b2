import type { EmulatorCore } from '../core';
import { notFound } from '../errors';
import type { OperationHost, OperationRecord } from '../operations';
import type { ApiReply, Route } from '../router';

/**
 * `GET /v1/ControlPlane/Operations/{id}` (memory) and `GET /v2/ControlPlane/Operations/{id}`
 * (conversations): the polling hot path, a Map lookup and a small JSON body.
 */
export function operationRoutes(core: EmulatorCore): Route[] {
  const route = (host: OperationHost, version: string): Route => ({
    method: 'GET',
    template: `/${version}/ControlPlane/Operations/{operationId}`,
    handler: (request) => {
      const id = request.params.operationId!;
      const operation = core.operations.read(id, host);
      if (!operation) throw notFound(`No operation with ID ${id}`);
      return operationReply(core, operation);
    },
  });
  return [route('memory', 'v1'), route('conversations', 'v2')];
}

function operationReply(core: EmulatorCore, operation: OperationRecord): ApiReply {
  const headers: Record<string, string> = { 'Operation-Id': operation.id };
  if (operation.status === 'PENDING') headers['Retry-After'] = String(core.options.retryAfterSeconds);
  const body = operation.host === 'memory' ? memoryView(core, operation) : conversationsView(core, operation);
  return { status: 200, body, headers };
}

/** Memory's OperationStatus: `result` once COMPLETED, `error` `{type,title,code,detail}` once FAILED. */
function memoryView(core: EmulatorCore, operation: OperationRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    operationId: operation.id,
    status: operation.status,
    createdAt: core.clock.iso(operation.createdAt),
    statusUrl: operation.statusUrl,
  };
  if (operation.completedAt !== undefined) view.completedAt = core.clock.iso(operation.completedAt);
  if (operation.status === 'COMPLETED' && operation.resultId !== undefined) {
    view.result = { type: 'RESOURCE_ID', id: operation.resultId };
  }
  if (operation.error) {
    view.error = {
      type: `https://www.twilio.com/docs/errors/${operation.error.code}`,
      title: operation.error.title,
      code: operation.error.code,
      detail: operation.error.detail,
    };
  }
  return view;
}

/**
 * Conversations' operation status: nullable `completedAt`, `related` and RFC 9457 `error`.
 * `result` appears only for configuration operations when `configurationResultId` is on.
 */
function conversationsView(core: EmulatorCore, operation: OperationRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    operationId: operation.id,
    status: operation.status,
    createdAt: core.clock.iso(operation.createdAt),
    completedAt: operation.completedAt === undefined ? null : core.clock.iso(operation.completedAt),
    statusUrl: operation.statusUrl,
    related: operation.related ?? null,
    error: operation.error
      ? {
          type: `https://www.twilio.com/docs/errors/${operation.error.code}`,
          title: operation.error.title,
          status: 500,
          detail: operation.error.detail,
          instance: operation.statusUrl,
        }
      : null,
  };
  if (operation.status === 'COMPLETED' && operation.resultId !== undefined) {
    view.result = { type: 'RESOURCE_ID', id: operation.resultId };
  }
  return view;
}
