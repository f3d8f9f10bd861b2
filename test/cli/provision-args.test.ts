/** The `provision` verb's arguments: flags become the input, usage mistakes are named. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/usage-error';
import { DEFAULT_CONFIG_DESCRIPTION, flagFor, parseProvisionArgs } from '../../src/cli/verbs/provision-args';
import { InvalidProvisionInputError, parseProvisionInput } from '../../src/workflows/provision-input';

const FLAGS = [
  '--store-name', 'acme-store',
  '--config-name', 'Acme support',
  '--conversation-name', 'welcome-ada',
  '--from', '+15550001',
  '--to', '+15550002',
  '--to', '+15550003',
  '--text', 'Hello',
]; // prettier-ignore

test('flags build a valid input: a CUSTOMER participant and a recipient per --to, on SMS by default', () => {
  const command = parseProvisionArgs(FLAGS);
  expect(command).toMatchObject({ fromFlags: true, wait: true });

  const input = parseProvisionInput(command.input);
  expect(input.memoryStore).toEqual({ displayName: 'acme-store' });
  expect(input.configuration).toEqual({
    displayName: 'Acme support',
    description: DEFAULT_CONFIG_DESCRIPTION,
  });
  expect(input.conversation).toEqual({
    name: 'welcome-ada',
    participants: [
      { type: 'CUSTOMER', addresses: [{ address: '+15550002', channel: 'SMS' }] },
      { type: 'CUSTOMER', addresses: [{ address: '+15550003', channel: 'SMS' }] },
    ],
  });
  expect(input.message).toEqual({
    from: { address: '+15550001', channel: 'SMS' },
    to: [
      { address: '+15550002', channel: 'SMS' },
      { address: '+15550003', channel: 'SMS' },
    ],
    text: 'Hello',
  });
});

test('existing resources, a provisioning ID, a channel, --no-wait and a task queue', () => {
  const command = parseProvisionArgs([
    '--store-id', 'mem_store_01aaaaaaaaaaaaaaaaaaaaaaaa',
    '--config-name', 'c',
    '--conversation-id', 'conv_conversation_01abc',
    '--provisioning-id', 'tenant-7',
    '--channel', 'WHATSAPP',
    '--from', 'a', '--to', 'b', '--text', 't',
    '--no-wait', '--task-queue', 'q',
  ]); // prettier-ignore
  expect(command).toMatchObject({ wait: false, taskQueue: 'q' });
  expect(command.input).toMatchObject({
    provisioningId: 'tenant-7',
    memoryStore: { existingStoreId: 'mem_store_01aaaaaaaaaaaaaaaaaaaaaaaa' },
    conversation: { existingConversationId: 'conv_conversation_01abc' },
    message: { from: { address: 'a', channel: 'WHATSAPP' } },
  });
});

test('--file reads the whole input as JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-args-'));
  const file = join(dir, 'input.json');
  writeFileSync(file, JSON.stringify({ provisioningId: 'from-file' }));
  expect(parseProvisionArgs(['--file', file])).toEqual({
    input: { provisioningId: 'from-file' },
    fromFlags: false,
    wait: true,
    taskQueue: undefined,
  });

  writeFileSync(file, '{ not json');
  expect(() => parseProvisionArgs(['--file', file])).toThrow(/is not valid JSON/);
  expect(() => parseProvisionArgs(['--file', join(dir, 'missing.json')])).toThrow(
    /cannot read --file .*ENOENT/,
  );
});

test('usage mistakes are usage errors naming the mistake', () => {
  const mistakes: [string[], RegExp][] = [
    [['--bogus'], /Unknown option '--bogus'/],
    [[], /no input/],
    [['--file', 'x.json', '--text', 'hi'], /either --file or input flags.*--text/],
    [['extra'], /unexpected argument: extra/],
  ];
  for (const [argv, message] of mistakes) {
    expect(() => parseProvisionArgs(argv)).toThrow(UsageError);
    expect(() => parseProvisionArgs(argv)).toThrow(message);
  }
});

test('validation errors map back to the flag that set the field', () => {
  expect(flagFor('configuration.displayName')).toBe('--config-name');
  expect(flagFor('message.to.0.address')).toBe('--to');
  expect(flagFor('conversation.participants.1.addresses')).toBe('--to');
  expect(flagFor('polling.initialIntervalMs')).toBeUndefined();
});

describe('a new and an existing resource given together are refused by the input parse, naming both flags', () => {
  const STORE_ID = 'mem_store_01aaaaaaaaaaaaaaaaaaaaaaaa';
  const CONVERSATION_ID = 'conv_conversation_01aaaaaaaaaaaaaaaaaaaaaaaa';
  const inputOf = (argv: string[]) => parseProvisionArgs(argv).input;
  const issuesOf = (argv: string[]) => {
    try {
      parseProvisionInput(inputOf(argv));
    } catch (err) {
      if (err instanceof InvalidProvisionInputError) return err.issues;
      throw err;
    }
    throw new Error('the input was accepted');
  };

  test('--store-name with --store-id', () => {
    expect(issuesOf([...FLAGS, '--store-id', STORE_ID])).toEqual([
      { path: 'memoryStore', message: expect.stringMatching(/^give displayName .* not both/) as string },
    ]);
    expect(flagFor('memoryStore')).toBe('--store-name, --store-id');
  });

  test('--conversation-name with --conversation-id', () => {
    expect(issuesOf([...FLAGS, '--conversation-id', CONVERSATION_ID])).toEqual([
      {
        path: 'conversation',
        message: expect.stringMatching(/^give name and participants .* not both/) as string,
      },
    ]);
    expect(flagFor('conversation')).toBe('--conversation-name, --conversation-id');
  });

  test('--conversation-id alone: --to names the recipients, not participants', () => {
    const name = FLAGS.indexOf('--conversation-name');
    const argv = [...FLAGS.slice(0, name), ...FLAGS.slice(name + 2), '--conversation-id', CONVERSATION_ID];
    expect(parseProvisionInput(inputOf(argv)).conversation).toEqual({
      existingConversationId: CONVERSATION_ID,
    });
  });
});
