/**
 * Provisioning inputs that break one documented rule each, with the field and the rule the
 * refusal must name. Shared by the schema's tests, the library's and the command line's, so
 * each entry point is shown to refuse the same inputs before anything starts.
 *
 * Each input goes through JSON.parse, as a file or a request body would: that is how a
 * `__proto__` key arrives as an ordinary key (an object literal would set the prototype instead).
 */
import type { ProvisionInput } from '../../src/workflows/provision-input';
import { provisionInput } from './inputs';

export interface BadInput {
  /** What is wrong, for the test's name. */
  name: string;
  /** A valid input with one rule broken, as parsed JSON. */
  input: unknown;
  /** The field the refusal names (`InputIssue.path`). */
  path: string;
  /** The rule it states. */
  rule: RegExp;
}

type Json = Record<string, unknown>;

/** A valid input changed by `change` (which edits a parsed JSON copy in place), reparsed from JSON. */
function broken(change: (input: Json) => void, base: ProvisionInput = provisionInput()): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Json;
  change(copy);
  return JSON.parse(JSON.stringify(copy)) as unknown;
}

/** Sets a field along a path of keys, creating nothing: the path exists in the valid input. */
function set(input: Json, path: (string | number)[], value: unknown): void {
  let node = input as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/** A valid input with a raw JSON fragment spliced in (for keys an object literal cannot hold). */
function withJson(path: (string | number)[], json: string): unknown {
  const input = broken(() => {});
  set(input as Json, path, JSON.parse(json));
  return input;
}

const CYRILLIC_DZE = '\u0405'; // looks like a Latin S
const ZERO_WIDTH_SPACE = '\u200b';
const BOM = '\ufeff';
const LONE_HIGH_SURROGATE = '\ud83d';

export function badInputs(): BadInput[] {
  const to = ['message', 'to', 0];
  const address = ['conversation', 'participants', 0, 'addresses', 0];
  const cases: BadInput[] = [
    {
      name: 'a channel spelled with a Cyrillic look-alike letter',
      input: broken((i) => set(i, [...to, 'channel'], `SM${CYRILLIC_DZE}`)),
      path: 'message.to.0.channel',
      rule: /must be one of SMS, RCS, WHATSAPP, CHAT/,
    },
    {
      name: 'a participant channel with a zero-width space',
      input: broken((i) => set(i, [...address, 'channel'], `SMS${ZERO_WIDTH_SPACE}`)),
      path: 'conversation.participants.0.addresses.0.channel',
      rule: /must be one of VOICE, SMS, RCS, EMAIL, WHATSAPP, CHAT, API, SYSTEM/,
    },
    {
      name: 'a participant type in lower case',
      input: broken((i) => set(i, ['conversation', 'participants', 0, 'type'], 'customer')),
      path: 'conversation.participants.0.type',
      rule: /must be one of HUMAN_AGENT, CUSTOMER, AI_AGENT/,
    },
    {
      name: 'a grouping type with a trailing BOM',
      input: broken((i) => set(i, ['configuration', 'conversationGroupingType'], `GROUP_BY_PROFILE${BOM}`)),
      path: 'configuration.conversationGroupingType',
      rule: /must be one of GROUP_BY_PROFILE, /,
    },
    {
      name: 'a status callback method outside GET and POST',
      input: broken((i) =>
        set(i, ['configuration', 'statusCallbacks'], [{ url: 'https://example.com/cb', method: 'post' }]),
      ),
      path: 'configuration.statusCallbacks.0.method',
      rule: /must be one of POST, GET/,
    },
    {
      name: 'an SMS address that is not E.164',
      input: broken((i) => set(i, [...to, 'address'], '555-0100')),
      path: 'message.to.0.address',
      rule: /must be an E\.164 phone number such as \+18005550100 on SMS/,
    },
    {
      name: 'a VOICE participant address with a whatsapp: prefix',
      input: broken((i) => set(i, [...address], { channel: 'VOICE', address: 'whatsapp:+15551230001' })),
      path: 'conversation.participants.0.addresses.0.address',
      rule: /must be an E\.164 phone number .* on VOICE/,
    },
    {
      name: 'a WhatsApp recipient without its prefix',
      input: broken((i) => set(i, [...to], { channel: 'WHATSAPP', address: '+15551230001' })),
      path: 'message.to.0.address',
      rule: /must be whatsapp: and an E\.164 phone number/,
    },
    {
      name: 'an RCS sender without its prefix',
      input: broken((i) => set(i, ['message', 'from'], { channel: 'RCS', address: 'brand_acme_agent' })),
      path: 'message.from.address',
      rule: /must be rcs: and a sender ID or E\.164 phone number/,
    },
    {
      name: 'an address without a channel',
      input: broken((i) => set(i, [...to], { address: '+15551230001' })),
      path: 'message.to.0.channel',
      rule: /is required with an address/,
    },
    {
      name: 'a capture rule address of another channel',
      input: broken((i) =>
        set(i, ['configuration', 'channelSettings'], {
          WHATSAPP: { captureRules: [{ from: '+18005550100', to: '*' }] },
        }),
      ),
      path: 'configuration.channelSettings.WHATSAPP.captureRules.0.from',
      rule: /must be whatsapp: and an E\.164/,
    },
    {
      name: '51 participants',
      input: broken((i) =>
        set(
          i,
          ['conversation', 'participants'],
          Array.from({ length: 51 }, () => ({ type: 'CUSTOMER' })),
        ),
      ),
      path: 'conversation.participants',
      rule: /at most 50 participants per conversation/,
    },
    {
      name: '3 status callbacks',
      input: broken((i) =>
        set(
          i,
          ['configuration', 'statusCallbacks'],
          [1, 2, 3].map((n) => ({ url: `https://example.com/${n}`, method: 'POST' })),
        ),
      ),
      path: 'configuration.statusCallbacks',
      rule: /at most 2 status callbacks on create/,
    },
    {
      name: '6 intelligence configuration IDs',
      input: broken((i) =>
        set(i, ['configuration', 'intelligenceConfigurationIds'], ['a', 'b', 'c', 'd', 'e', 'f']),
      ),
      path: 'configuration.intelligenceConfigurationIds',
      rule: /at most 5 intelligence configurations/,
    },
    {
      name: '51 recipients',
      input: broken((i) =>
        set(
          i,
          ['message', 'to'],
          Array.from({ length: 51 }, (_, n) => ({ channel: 'SMS', address: `+1555123${1000 + n}` })),
        ),
      ),
      path: 'message.to',
      rule: /at most 50 recipients/,
    },
    {
      name: 'a __proto__ key in capture-rule metadata',
      input: withJson(
        ['configuration', 'channelSettings'],
        '{"SMS":{"captureRules":[{"from":"*","to":"*","metadata":{"callType":"PSTN","__proto__":{"x":"1"}}}]}}',
      ),
      path: 'configuration.channelSettings.SMS.captureRules.0.metadata.__proto__',
      rule: /is not allowed as a key \(__proto__, constructor, prototype are refused\)/,
    },
    {
      name: 'a constructor key in capture-rule metadata',
      input: withJson(
        ['configuration', 'channelSettings'],
        '{"SMS":{"captureRules":[{"from":"*","to":"*","metadata":{"constructor":"x"}}]}}',
      ),
      path: 'configuration.channelSettings.SMS.captureRules.0.metadata.constructor',
      rule: /is not allowed as a key/,
    },
    {
      name: 'a __proto__ key in channelSettings',
      input: withJson(['configuration', 'channelSettings'], '{"SMS":{},"__proto__":{"statusTimeouts":{}}}'),
      path: 'configuration.channelSettings.__proto__',
      rule: /is not allowed as a key/,
    },
    {
      name: 'a prototype key in channelSettings',
      input: withJson(['configuration', 'channelSettings'], '{"prototype":{}}'),
      path: 'configuration.channelSettings.prototype',
      rule: /is not allowed as a key/,
    },
    {
      name: 'a channelSettings key that is not a channel',
      input: withJson(['configuration', 'channelSettings'], '{"FAX":{}}'),
      path: 'configuration.channelSettings',
      rule: /keys must be channels: VOICE, SMS, RCS, WHATSAPP, CHAT/,
    },
    {
      name: 'a metadata value that is not a string',
      input: withJson(
        ['configuration', 'channelSettings'],
        '{"SMS":{"captureRules":[{"from":"*","to":"*","metadata":{"callType":7}}]}}',
      ),
      path: 'configuration.channelSettings.SMS.captureRules.0.metadata.callType',
      rule: /expected string/,
    },
    {
      name: 'a __proto__ key at the top level',
      input: JSON.parse(JSON.stringify(provisionInput()).replace(/^\{/, '{"__proto__":{"x":1},')) as unknown,
      path: '(input)',
      rule: /Unrecognized key: "__proto__"/,
    },
    {
      name: 'a message text of zero-width spaces',
      input: broken((i) => set(i, ['message', 'text'], ZERO_WIDTH_SPACE.repeat(3))),
      path: 'message.text',
      rule: /must not be empty or only whitespace or invisible characters/,
    },
    {
      name: 'a configuration description of a BOM and spaces',
      input: broken((i) => set(i, ['configuration', 'description'], `${BOM}  \t`)),
      path: 'configuration.description',
      rule: /must not be empty or only whitespace or invisible characters/,
    },
    {
      name: 'a conversation name of whitespace',
      input: broken((i) => set(i, ['conversation', 'name'], '\u3000\u00a0')),
      path: 'conversation.name',
      rule: /must not be empty or only whitespace or invisible characters/,
    },
    {
      name: 'a message text with a lone surrogate',
      input: broken((i) => set(i, ['message', 'text'], `Welcome ${LONE_HIGH_SURROGATE}!`)),
      path: 'message.text',
      rule: /must not hold a lone UTF-16 surrogate/,
    },
    {
      name: 'a participant name with a lone surrogate',
      input: broken((i) => set(i, ['conversation', 'participants', 0, 'name'], `Ada ${LONE_HIGH_SURROGATE}`)),
      path: 'conversation.participants.0.name',
      rule: /must not hold a lone UTF-16 surrogate/,
    },
    {
      name: 'a store name too long for the workflow ID',
      input: broken((i) => {
        delete i.provisioningId;
        set(i, ['memoryStore', 'displayName'], 's'.repeat(980));
      }),
      path: 'memoryStore.displayName',
      rule: /makes the workflow ID .* bytes long, over Temporal's limit of 1000/,
    },
    {
      name: 'a store name longer than any workflow ID can hold',
      input: broken((i) => set(i, ['memoryStore', 'displayName'], 's'.repeat(989))),
      path: 'memoryStore.displayName',
      rule: /must be at most 988 characters/,
    },
    {
      name: 'a store description over 128 characters',
      input: broken((i) => set(i, ['memoryStore', 'description'], 'd'.repeat(129))),
      path: 'memoryStore.description',
      rule: /must be at most 128 characters/,
    },
    {
      name: 'a message text over 1600 characters',
      input: broken((i) => set(i, ['message', 'text'], 't'.repeat(1601))),
      path: 'message.text',
      rule: /must be at most 1600 characters/,
    },
    {
      name: 'a store display name and an existing store ID together',
      input: broken((i) =>
        set(i, ['memoryStore'], {
          displayName: 'kept',
          existingStoreId: 'mem_store_01h455vb4pex5vsknk084sn02q',
        }),
      ),
      path: 'memoryStore',
      rule: /give displayName \(to create a store\) or existingStoreId \(to use one\), not both/,
    },
    {
      name: 'a conversation name and an existing conversation ID together',
      input: broken((i) =>
        set(i, ['conversation'], {
          name: 'kept',
          existingConversationId: 'conv_conversation_01h455vb4pex5vsknk084sn02q',
        }),
      ),
      path: 'conversation',
      rule: /give name and participants .* or existingConversationId .*, not both/,
    },
    {
      name: 'participants and an existing conversation ID together',
      input: broken((i) =>
        set(i, ['conversation'], {
          participants: [{ type: 'CUSTOMER' }],
          existingConversationId: 'conv_conversation_01h455vb4pex5vsknk084sn02q',
        }),
      ),
      path: 'conversation',
      rule: /not both/,
    },
    {
      name: 'an onFailure that is neither keep nor rollback',
      input: broken((i) => set(i, ['onFailure'], 'delete')),
      path: 'onFailure',
      rule: /must be one of keep, rollback/,
    },
  ];
  return cases;
}
