/**
 * The emulator refuses what the client's schema refuses (the field rules of src/api, which both
 * are built from): address formats per channel, exact enums, unsafe record keys, blank or
 * invisible text, lone surrogates and documented counts. So a rule the client missed still fails
 * every test that sends it, with a 400 naming the field and the rule.
 */
import {
  CONFIGURATIONS_PATH,
  CONVERSATIONS_PATH,
  configurationBody,
  createConfiguration,
  createConversation,
  createStore,
  expectBadRequest,
  sendMessageBody,
  useEmulator,
} from './support';

const { emulator, api } = useEmulator();

/** Parsed from JSON text, so a `__proto__` key is an ordinary key, as in a request body. */
const json = (text: string): unknown => JSON.parse(text);

describe('configurations', () => {
  let storeId: string;
  beforeEach(async () => (storeId = await createStore(api)));

  it.each([
    [
      'a __proto__ key in channelSettings',
      { channelSettings: json('{"SMS":{},"__proto__":{}}') },
      /channelSettings\.__proto__: is not allowed as a key/,
    ],
    [
      'a constructor key in capture-rule metadata',
      {
        channelSettings: json(
          '{"SMS":{"captureRules":[{"from":"*","to":"*","metadata":{"constructor":"x"}}]}}',
        ),
      },
      /captureRules\[0\]\.metadata\.constructor: is not allowed as a key/,
    ],
    [
      'a __proto__ key in capture-rule metadata',
      {
        channelSettings: json(
          '{"SMS":{"captureRules":[{"from":"*","to":"*","metadata":{"__proto__":"x"}}]}}',
        ),
      },
      /metadata\.__proto__: is not allowed as a key/,
    ],
    [
      'a capture-rule address of another channel',
      { channelSettings: { WHATSAPP: { captureRules: [{ from: '+18005550100', to: '*' }] } } },
      /channelSettings\.WHATSAPP\.captureRules\[0\]\.from: must be whatsapp: and an E\.164/,
    ],
    [
      'a grouping type with a zero-width space',
      { conversationGroupingType: 'GROUP_BY_PROFILE\u200b' },
      /conversationGroupingType: must be one of/,
    ],
    [
      'a displayName of spaces only',
      { displayName: '   ' },
      /displayName: must not be empty or only whitespace/,
    ],
    [
      'a description of invisible characters',
      { description: '\ufeff\u200b ' },
      /description: must not be empty/,
    ],
    ['a description with a lone surrogate', { description: 'x \udc00' }, /description: must not hold a lone/],
  ])('refuses %s', async (_name, overrides, message) => {
    await expectBadRequest(api, 'POST', CONFIGURATIONS_PATH, configurationBody(storeId, overrides), message);
    expect(emulator.summary().configurations).toBe(0);
  });

  it('accepts the documented address forms of each channel in capture rules', async () => {
    const channelSettings = {
      SMS: { captureRules: [{ from: '+18005550100', to: '*', metadata: { callType: 'PSTN' } }] },
      WHATSAPP: { captureRules: [{ from: '*', to: 'whatsapp:+18005550100' }] },
      RCS: { captureRules: [{ from: 'rcs:brand_acme_agent', to: '*' }] },
      CHAT: { captureRules: [{ from: '*', to: '*' }] },
    };
    const reply = await api.post(CONFIGURATIONS_PATH, configurationBody(storeId, { channelSettings }));
    expect(reply.status).toBe(202);
  });
});

describe('conversations and actions', () => {
  let configurationId: string;
  beforeEach(async () => (configurationId = await createConfiguration(api, await createStore(api))));

  it.each([
    [
      'an SMS address that is not E.164',
      { channel: 'SMS', address: '555-0100' },
      /must be an E\.164 phone number/,
    ],
    [
      'a WhatsApp address without its prefix',
      { channel: 'WHATSAPP', address: '+15551230001' },
      /must be whatsapp:/,
    ],
    ['an email address without a domain', { channel: 'EMAIL', address: 'ada@' }, /must be an email address/],
    [
      'a CHAT address of zero-width spaces',
      { channel: 'CHAT', address: '\u200b\u200b' },
      /must not be empty/,
    ],
    [
      'a channel with a Cyrillic look-alike',
      { channel: 'SM\u0405', address: '+15551230001' },
      /channel: must be one of/,
    ],
  ])('refuses a participant with %s', async (_name, address, message) => {
    const body = { configurationId, name: 'c', participants: [{ addresses: [address] }] };
    await expectBadRequest(api, 'POST', CONVERSATIONS_PATH, body, message);
    expect(emulator.summary().conversations).toBe(0);
  });

  it('refuses a blank configurationId and a name with a lone surrogate', async () => {
    await expectBadRequest(
      api,
      'POST',
      CONVERSATIONS_PATH,
      { configurationId: ' \u200b' },
      /configurationId: must not be empty/,
    );
    await expectBadRequest(
      api,
      'POST',
      CONVERSATIONS_PATH,
      { configurationId, name: 'a \ud800 b' },
      /name: must not hold a lone UTF-16 surrogate/,
    );
  });

  it.each([
    [
      'a WhatsApp recipient without its prefix',
      { to: [{ channel: 'WHATSAPP', address: '+15551230001' }] },
      /payload\.to\[0\]\.address: must be whatsapp:/,
    ],
    [
      'an SMS sender that is not E.164',
      { from: { channel: 'SMS', address: 'acme' } },
      /payload\.from\.address: must be an E\.164/,
    ],
    [
      '51 recipients',
      { to: Array.from({ length: 51 }, (_, n) => ({ channel: 'SMS', address: `+1555123${1000 + n}` })) },
      /payload\.to: must have at most 50 items/,
    ],
    [
      'a text of invisible characters',
      { content: { text: '\u2060\u200d' } },
      /payload\.content\.text: must not be empty/,
    ],
    [
      'a __proto__ content variable',
      { content: { contentId: 'HX1', variables: json('{"__proto__":"x"}') } },
      /variables\.__proto__: is not allowed as a key/,
    ],
  ])('refuses an action with %s and sends nothing', async (_name, change, message) => {
    const conversation = await createConversation(api, configurationId);
    const valid = sendMessageBody('+15551230001');
    const body = { ...valid, payload: { ...valid.payload, ...change } };
    await expectBadRequest(api, 'POST', `${CONVERSATIONS_PATH}/${conversation.id}/Actions`, body, message);
    expect(emulator.summary().messagesSent).toBe(0);
  });
});
