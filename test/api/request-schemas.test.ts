/**
 * The request schemas work where the workflows use them: in a worker, which deep-freezes what
 * every preloaded workflow module exports (src/workflow-bundle-options.ts). The modules' exports
 * are frozen here the same way, before any schema is built.
 */
import { z } from 'zod';
import * as fieldRules from '../../src/api/field-rules';
import * as requestSchemas from '../../src/api/request-schemas';

const {
  configurationCreateSchema,
  configurationReplaceSchema,
  conversationCreateSchema,
  sendMessageActionSchema,
  storeCreateSchema,
} = requestSchemas;

/** Freezes `value` and everything reachable through its properties, as the SDK does. */
function deepFreeze(value: unknown, seen = new WeakSet<object>()): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  Object.freeze(value);
}

beforeAll(() => {
  deepFreeze(fieldRules);
  deepFreeze(requestSchemas);
});

/** The messages a parse refuses `body` with, by dotted path. */
function refusal(schema: z.ZodType, body: unknown): Record<string, string[]> {
  const parsed = schema.safeParse(body);
  if (parsed.success) throw new Error('expected the body to be refused');
  const messages: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (messages[issue.path.join('.')] ??= []).push(issue.message);
  return messages;
}

const storeId = 'mem_store_01k1etk2y5f1y9fpe2epfdtvv2';
const configuration = {
  displayName: 'Support SMS',
  description: 'Inbound support',
  conversationGroupingType: 'GROUP_BY_PROFILE',
  memoryStoreId: storeId,
};

test('the exports are frozen, and a frozen pattern handed to zod as it is cannot parse', () => {
  expect(Object.isFrozen(fieldRules.MEMORY_STORE_ID_PATTERN)).toBe(true);
  // What the schemas avoid by copying every pattern: zod resets lastIndex before each test.
  expect(() => z.string().regex(fieldRules.MEMORY_STORE_ID_PATTERN).safeParse(storeId)).toThrow(TypeError);
});

test('a store create: the display name rule, and a description a person can see', () => {
  expect(storeCreateSchema().parse({ displayName: 'support-memory' })).toEqual({
    displayName: 'support-memory',
  });
  expect(refusal(storeCreateSchema(), { displayName: 'has space', description: '\u200b' })).toEqual({
    displayName: ['must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)'],
    description: ['must not be empty or only whitespace or invisible characters'],
  });
});

test('a configuration: every callback method the API takes, POST when none is given', () => {
  const body = {
    ...configuration,
    statusCallbacks: [{ url: 'https://example.com/a' }, { url: 'http://example.com/b', method: 'PATCH' }],
    channelSettings: { SMS: { captureRules: [{ from: '+18005550100', to: '*' }] } },
  };
  expect(configurationCreateSchema().parse(body).statusCallbacks).toEqual([
    { url: 'https://example.com/a', method: 'POST' },
    { url: 'http://example.com/b', method: 'PATCH' },
  ]);
  expect(
    refusal(configurationCreateSchema(), {
      ...configuration,
      memoryStoreId: 'memora_service_123',
      statusCallbacks: [{ url: 'ftp://example.com' }],
      channelSettings: { FAX: {} },
    }),
  ).toEqual({
    memoryStoreId: ['must match ^mem_(store|service)_[0-7][0-9a-z]{25}$ (a memory store ID)'],
    'statusCallbacks.0.url': ['must be an absolute http(s) URL'],
    channelSettings: ['is not a channel (keys must be channels: VOICE, SMS, RCS, WHATSAPP, CHAT)'],
  });
});

test('a full replace may leave the display name out and names the version it replaces', () => {
  const withoutName: Partial<typeof configuration> = { ...configuration };
  delete withoutName.displayName;
  expect(configurationReplaceSchema().parse({ ...withoutName, version: 3 })).toEqual({
    ...withoutName,
    version: 3,
  });
  expect(refusal(configurationCreateSchema(), withoutName)).toEqual({ displayName: [expect.any(String)] });
  expect(refusal(configurationReplaceSchema(), { ...configuration, version: 0 })).toEqual({
    version: ['must be at least 1'],
  });
});

test('a conversation: participant addresses in their channel format', () => {
  const participant = {
    type: 'CUSTOMER',
    addresses: [{ channel: 'WHATSAPP', address: 'whatsapp:+18005550100' }],
  };
  const body = { configurationId: 'conv_configuration_01', participants: [participant] };
  expect(conversationCreateSchema().parse(body)).toEqual(body);
  expect(
    refusal(conversationCreateSchema(), {
      ...body,
      participants: [{ addresses: [{ channel: 'SMS', address: '555-0100' }] }],
    }),
  ).toEqual({
    'participants.0.addresses.0.address': ['must be an E.164 phone number such as +18005550100 on SMS'],
  });
});

test('a SEND_MESSAGE: never on VOICE, and with something to say', () => {
  const payload = {
    from: { channel: 'SMS', address: '+18005550100' },
    to: [{ participantId: 'conv_participant_01' }],
    content: { text: 'Welcome!' },
  };
  expect(sendMessageActionSchema().parse({ type: 'SEND_MESSAGE', payload })).toEqual({
    type: 'SEND_MESSAGE',
    payload,
  });
  expect(
    refusal(sendMessageActionSchema(), {
      type: 'SEND_MESSAGE',
      payload: { ...payload, from: { channel: 'VOICE', address: '+18005550100' }, content: {} },
    }),
  ).toEqual({
    'payload.from.channel': [requestSchemas.voiceIsReceiveOnly()],
    'payload.content': ['needs text, contentId or mediaUrls'],
  });
});

describe('the two checkers', () => {
  const api = { checkedBy: 'api' } as const;
  const message = {
    type: 'SEND_MESSAGE',
    payload: {
      from: { participantId: ' ', address: '+18005550100' },
      to: [{ participantId: 'conv_participant_01', label: 'customer' }],
      content: { text: 'Welcome!' },
    },
  };

  test('the client closes every object; the API drops what it does not define, at any depth', () => {
    const body = {
      ...configuration,
      tags: ['support'],
      statusCallbacks: [{ url: 'https://example.com/a', secret: 'x' }],
      channelSettings: { SMS: { captureRules: [{ from: '*', to: '*', priority: 1 }] } },
    };
    expect(refusal(configurationCreateSchema(), body)).toEqual({
      '': [expect.any(String)],
      'statusCallbacks.0': [expect.any(String)],
      'channelSettings.SMS.captureRules.0': [expect.any(String)],
    });
    expect(configurationCreateSchema(api).parse(body)).toEqual({
      ...configuration,
      statusCallbacks: [{ url: 'https://example.com/a', method: 'POST' }],
      channelSettings: { SMS: { captureRules: [{ from: '*', to: '*' }] } },
    });
  });

  test("a message's content is closed for both, naming the fields it takes", () => {
    const body = { ...message, payload: { ...message.payload, content: { text: 'Hi', html: '<b>' } } };
    const rule = 'is not a known field (allowed: text, contentId, variables, mediaUrls)';
    expect(refusal(sendMessageActionSchema(api), body)).toEqual({ 'payload.content': [rule] });
  });

  test('the client wants visible IDs and a channel with every address; the API looks IDs up and lets a participant supply the channel', () => {
    const from = (endpoint: object) => ({ ...message, payload: { ...message.payload, from: endpoint } });
    expect(refusal(sendMessageActionSchema(), message)).toEqual({
      'payload.from.participantId': ['must not be empty or only whitespace or invisible characters'],
      'payload.to.0': [expect.any(String)],
    });
    const withAddress = { participantId: 'conv_participant_02', address: '+18005550100' };
    expect(refusal(sendMessageActionSchema(), from(withAddress))).toEqual({
      'payload.from.channel': ['is required with an address'],
      'payload.to.0': [expect.any(String)],
    });
    expect(sendMessageActionSchema(api).parse(message).payload.from).toEqual({
      participantId: ' ',
      address: '+18005550100',
    });
    expect(refusal(sendMessageActionSchema(api), from({ address: '+18005550100' }))).toEqual({
      'payload.from': ['needs address and channel, or a participantId with an address'],
    });
    const participant = { profileId: ' ', addresses: [] };
    expect(
      refusal(conversationCreateSchema(), { configurationId: 'c', participants: [participant] }),
    ).toEqual({
      'participants.0.profileId': ['must not be empty or only whitespace or invisible characters'],
    });
    expect(
      conversationCreateSchema(api).parse({ configurationId: 'c', participants: [participant] }),
    ).toEqual({
      configurationId: 'c',
      participants: [participant],
    });
  });

  test('each words a send on VOICE its own way', () => {
    const voice = {
      ...message,
      payload: { ...message.payload, from: { channel: 'VOICE', address: '+18005550100' } },
    };
    expect(refusal(sendMessageActionSchema(api), voice)['payload.from.channel']).toEqual([
      requestSchemas.voiceIsReceiveOnly(api),
    ]);
    expect(requestSchemas.voiceIsReceiveOnly(api)).not.toBe(requestSchemas.voiceIsReceiveOnly());
  });
});
