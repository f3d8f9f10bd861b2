import { z } from 'zod';
import { ResponseValidationError } from '../../src/api/errors';
import {
  actionSchema,
  configurationSchema,
  conversationSchema,
  operationSchema,
  parseResponseBody,
  storeSchema,
} from '../../src/api/schemas';

const origin = { method: 'GET', path: '/v2/ControlPlane/Operations/proc_job_01', status: 200 };

function validationMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).retrySafety).toBe('never');
    expect((error as ResponseValidationError).status).toBe(200);
    return (error as Error).message;
  }
  throw new Error('expected a ResponseValidationError');
}

describe('operationSchema', () => {
  it("reads Memory's body: result and an error with a code", () => {
    const body = {
      operationId: 'proc_job_01kpttrkrnfjgvwjwcwggqdk96',
      status: 'COMPLETED',
      createdAt: '2025-11-14T20:29:21Z',
      completedAt: '2025-11-14T20:29:25Z',
      resultUrl: 'https://memory.twilio.com/v1/ControlPlane/Stores/mem_store_01',
      result: { id: 'mem_store_01kpttrksqe08rhv122gzq52ax', type: 'RESOURCE_ID' },
    };
    const operation = parseResponseBody(operationSchema, body, 'operation', origin);
    expect(operation.result?.id).toBe('mem_store_01kpttrksqe08rhv122gzq52ax');
    expect(operation.status).toBe('COMPLETED');
    const failed = parseResponseBody(
      operationSchema,
      {
        operationId: 'x',
        status: 'FAILED',
        error: { type: 'about:blank', title: 'Failed', code: 520045, detail: 'dup' },
      },
      'operation',
      origin,
    );
    expect(failed.error?.code).toBe(520045);
  });

  it("reads Conversations' body: related and an RFC 9457 error, with nulls", () => {
    const body = {
      operationId: 'proc_job_01h9d8r0vte3hz8tykdj329t7r',
      status: 'FAILED',
      createdAt: '2025-01-15T10:30:00Z',
      completedAt: null,
      statusUrl:
        'https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r',
      related: { configurationId: 'cfg_configuration_01h9d8r0vte3hz8tykdj329t7r' },
      error: {
        type: 'https://www.twilio.com/docs/errors/20001',
        title: 'Bad request',
        status: 400,
        detail: 'no',
      },
    };
    const operation = parseResponseBody(operationSchema, body, 'operation', origin);
    expect(operation.related).toEqual({ configurationId: 'cfg_configuration_01h9d8r0vte3hz8tykdj329t7r' });
    expect(operation.error?.status).toBe(400);
    expect(
      parseResponseBody(operationSchema, { ...body, related: null, error: null }, 'operation', origin)
        .related,
    ).toBeNull();
  });

  it('tolerates unknown fields and strips them, however deep or large', () => {
    let nested: Record<string, unknown> = { leaf: 'x'.repeat(1_000) };
    for (let depth = 0; depth < 100; depth++) nested = { nested };
    const body = {
      operationId: 'x',
      status: 'RUNNING',
      progress: 0.5,
      nested,
      huge: 'y'.repeat(1_000_000),
      result: { id: 'mem_store_01', type: 'RESOURCE_ID', extra: 'z'.repeat(100_000) },
      error: { title: 'Failed', unknown: { deeper: nested } },
    };
    const operation = parseResponseBody(operationSchema, body, 'operation', origin);
    expect(operation).toEqual({
      operationId: 'x',
      status: 'RUNNING',
      result: { id: 'mem_store_01', type: 'RESOURCE_ID' },
      error: { title: 'Failed' },
    });
    expect(JSON.stringify(operation).length).toBeLessThan(200);
  });

  it('cuts the text of an operation error to 500 characters with a marker, and keeps the operation', () => {
    const operation = parseResponseBody(
      operationSchema,
      {
        operationId: 'x',
        status: 'FAILED',
        error: { title: 't'.repeat(600), detail: 'd'.repeat(100_000), code: 'c'.repeat(10_000), status: 500 },
      },
      'operation',
      origin,
    );
    expect(operation.error?.title).toBe(`${'t'.repeat(500)}… (600 chars)`);
    expect(operation.error?.detail).toBe(`${'d'.repeat(500)}… (100000 chars)`);
    expect(operation.error?.code).toBe(`${'c'.repeat(500)}… (10000 chars)`);
    expect(operation.error?.status).toBe(500);
  });

  it('names the field and the rule of every wrong type, never the value', () => {
    const message = validationMessage(() =>
      parseResponseBody(
        operationSchema,
        { operationId: 'x', status: 'DONE-ISH', related: { configurationId: 42 } },
        'operation',
        origin,
      ),
    );
    expect(message).toContain(
      'GET /v2/ControlPlane/Operations/proc_job_01 (HTTP 200) returned an unexpected body: ' +
        'operation.status: expected one of PENDING|RUNNING|COMPLETED|FAILED|CANCELLED',
    );
    expect(message).toContain('operation.related.configurationId: expected string, received number');
    expect(message).not.toContain('DONE-ISH');
  });

  it('refuses a known field longer than 2,048 characters and an ID map over 100 entries, naming them', () => {
    const related = Object.fromEntries(Array.from({ length: 101 }, (_, n) => [`id${n}`, 'x']));
    const message = validationMessage(() =>
      parseResponseBody(
        operationSchema,
        { operationId: 'x', status: 'PENDING', statusUrl: `https://x/${'p'.repeat(1_000_000)}`, related },
        'operation',
        origin,
      ),
    );
    expect(message).toContain('operation.statusUrl: Too big: expected string to have <=2048 characters');
    expect(message).toContain('operation.related: must have at most 100 entries');
    expect(message.length).toBeLessThan(500);
  });

  it('lists the first 10 problems of a body and counts the rest', () => {
    const message = validationMessage(() =>
      parseResponseBody(
        z.array(storeSchema),
        Array.from({ length: 1_000 }, () => ({ id: 7 })),
        'stores',
        origin,
      ),
    );
    expect(message).toContain('stores[0].id: expected string, received number; stores[0].displayName');
    expect(message).toMatch(/; and 2990 more$/);
    expect(message.length).toBeLessThan(1_000);
  });

  it('rejects a body that is not an object, and a missing operationId', () => {
    expect(validationMessage(() => parseResponseBody(operationSchema, 'ok', 'operation', origin))).toContain(
      'operation: expected object, received string',
    );
    expect(
      validationMessage(() => parseResponseBody(operationSchema, { status: 'PENDING' }, 'operation', origin)),
    ).toContain('operation.operationId: expected string, received undefined');
  });
});

describe('resource schemas', () => {
  const configuration = {
    id: 'cfg_configuration_01h9d8r0vte3hz8tykdj329t7r',
    displayName: 'My Support Config',
    description: 'd',
    conversationGroupingType: 'GROUP_BY_PROFILE',
    memoryStoreId: 'mem_store_01k1etk2y5f1y9fpe2epfdtvv2',
    channelSettings: {
      SMS: {
        statusTimeouts: { inactive: 10, closed: 15 },
        captureRules: [{ from: '*', to: '*', metadata: {} }],
      },
    },
    statusCallbacks: [{ url: 'https://example.com/a' }, { url: 'https://example.com/b', method: 'GET' }],
    version: 1,
  };

  it('accepts either configuration ID prefix and defaults a status callback method to POST', () => {
    const parsed = parseResponseBody(configurationSchema, configuration, 'configuration', origin);
    expect(parsed.statusCallbacks?.map((callback) => callback.method)).toEqual(['POST', 'GET']);
    expect(
      parseResponseBody(configurationSchema, { ...configuration, id: 'conv_configuration_01' }, 'c', origin)
        .id,
    ).toBe('conv_configuration_01');
  });

  it('names nested paths with indices', () => {
    const message = validationMessage(() =>
      parseResponseBody(
        configurationSchema,
        { ...configuration, statusCallbacks: [{ url: 'https://example.com' }, { url: 7 }], version: '1' },
        'configuration',
        origin,
      ),
    );
    expect(message).toContain('configuration.statusCallbacks[1].url: expected string, received number');
    expect(message).toContain('configuration.version: expected number, received string');
  });

  it('checks store status, conversation status and action status enums', () => {
    const store = {
      id: 'mem_store_01',
      displayName: 'support',
      status: 'ACTIVE',
      intelligenceServiceId: null,
      version: 1,
    };
    expect(parseResponseBody(storeSchema, store, 'store', origin).status).toBe('ACTIVE');
    expect(
      validationMessage(() => parseResponseBody(storeSchema, { ...store, status: 'READY' }, 'store', origin)),
    ).toContain('store.status: expected one of QUEUED|PROVISIONING|ACTIVE|FAILED');
    const conversation = { id: 'conv_conversation_01', configurationId: 'c', status: 'ARCHIVED' };
    expect(
      validationMessage(() => parseResponseBody(conversationSchema, conversation, 'conversation', origin)),
    ).toContain('conversation.status: expected one of ACTIVE|INACTIVE|CLOSED');
    const action = {
      id: 'conv_action_01',
      type: 'SEND_MESSAGE',
      status: 'PENDING',
      conversationId: 'c',
      related: {},
    };
    expect(parseResponseBody(actionSchema, action, 'action', origin).status).toBe('PENDING');
    expect(
      validationMessage(() =>
        parseResponseBody(actionSchema, { ...action, related: { messageSid: 1 } }, 'action', origin),
      ),
    ).toContain('action.related.messageSid: expected string, received number');
  });

  it("keeps an action's messageSid and communicationId only, and cuts a long failureReason", () => {
    const action = parseResponseBody(
      actionSchema,
      {
        id: 'conv_action_01',
        type: 'SEND_MESSAGE',
        status: 'FAILED',
        conversationId: 'c',
        related: { messageSid: 'SM1', communicationId: 'conv_communication_1', tracking: 'x'.repeat(10_000) },
        failureReason: 'undeliverable '.repeat(1_000),
        debug: { trace: 'x'.repeat(10_000) },
      },
      'action',
      origin,
    );
    expect(action.related).toEqual({ messageSid: 'SM1', communicationId: 'conv_communication_1' });
    expect(action.failureReason).toHaveLength(500 + '… (14000 chars)'.length);
    expect(action).not.toHaveProperty('debug');
  });

  it('strips unknown fields of configurations, conversations and stores at every level', () => {
    const parsed = parseResponseBody(
      configurationSchema,
      {
        ...configuration,
        internal: { secretish: 'x' },
        channelSettings: { SMS: { ...configuration.channelSettings.SMS, experimental: true } },
        statusCallbacks: [{ url: 'https://example.com/a', headers: { a: 'b' } }],
      },
      'configuration',
      origin,
    );
    expect(parsed).not.toHaveProperty('internal');
    expect(parsed.channelSettings?.['SMS']).not.toHaveProperty('experimental');
    expect(parsed.statusCallbacks).toEqual([{ url: 'https://example.com/a', method: 'POST' }]);
    const conversation = parseResponseBody(
      conversationSchema,
      {
        id: 'conv_conversation_01',
        configurationId: 'c',
        participants: [{ id: 'p', addresses: [{ channel: 'SMS', address: '+1', geo: {} }], score: 1 }],
      },
      'conversation',
      origin,
    );
    expect(conversation.participants).toEqual([{ id: 'p', addresses: [{ channel: 'SMS', address: '+1' }] }]);
    const store = parseResponseBody(
      storeSchema,
      { id: 'mem_store_01', displayName: 'support', status: 'ACTIVE', billing: { plan: 'x' } },
      'store',
      origin,
    );
    expect(store).toEqual({ id: 'mem_store_01', displayName: 'support', status: 'ACTIVE' });
  });
});
