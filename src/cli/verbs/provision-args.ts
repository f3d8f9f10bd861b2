/**
 * The arguments of the `provision` verb, turned into a command. The input built from flags is
 * not validated here: `parseProvisionInput` does that, and `flagFor` maps its field paths back to
 * the flags, so an error names what the person typed.
 */
import { parseCommandArgs, readJsonFile, UsageError } from '../usage-error';
import { TASK_QUEUE_HELP, TEMPORAL_SETTINGS_HELP } from './verb';

export const PROVISION_USAGE = `Start a provisioning from a JSON file or flags, and follow it to its end.

Usage:
  npm run orchestrator -- provision --file input.json [options]
  npm run orchestrator -- provision --store-name NAME --config-name NAME --conversation-name NAME \\
                                    --from ADDRESS --to ADDRESS [--to ADDRESS ...] --text TEXT [options]
  npm run provision -- ...   the same: provision is its verb unless the first argument names another

Input (either --file or these flags):
  --file PATH                a JSON file with the whole input (see README)
  --provisioning-id ID       names the provisioning; its workflow ID becomes provision-ID
  --store-name NAME          create a memory store with this display name
  --store-id ID              or use an existing memory store (mem_store_...)
  --config-name NAME         configuration display name (at most 32 characters)
  --config-description TEXT  default: "Provisioned by orchestrator-temporal"
  --conversation-name NAME   create a conversation, with a CUSTOMER participant per --to
  --conversation-id ID       or use an existing conversation (conv_conversation_...)
  --channel CHANNEL          channel of --from and --to (default SMS)
  --from ADDRESS             sender of the first message
  --to ADDRESS               recipient (repeat for several)
  --text TEXT                the first message

Options:
  --no-wait                  print the workflow ID once started, do not follow it
  --task-queue NAME          ${TASK_QUEUE_HELP}
  --debug                    on failure, also print every cause and the stack trace
  -h, --help                 this text

A run's status, update, teardown, cancel and resolve are verbs too: npm run orchestrator -- --help.
${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 done, 1 the provisioning failed or Temporal refused it, 2 bad input or usage,
3 Temporal unreachable.`;

export const DEFAULT_CONFIG_DESCRIPTION = 'Provisioned by orchestrator-temporal';

export interface ProvisionCommand {
  input: unknown;
  fromFlags: boolean;
  wait: boolean;
  taskQueue?: string;
}

const INPUT_FLAGS = {
  'provisioning-id': { type: 'string' },
  'store-name': { type: 'string' },
  'store-id': { type: 'string' },
  'config-name': { type: 'string' },
  'config-description': { type: 'string' },
  'conversation-name': { type: 'string' },
  'conversation-id': { type: 'string' },
  channel: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string', multiple: true },
  text: { type: 'string' },
} as const;

const OPTIONS = {
  ...INPUT_FLAGS,
  file: { type: 'string' },
  'no-wait': { type: 'boolean' },
  'task-queue': { type: 'string' },
} as const;

type Flags = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

export function parseProvisionArgs(argv: string[]): ProvisionCommand {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);

  const usedInputFlags = Object.keys(INPUT_FLAGS).filter((flag) => flag in values);
  if (values.file !== undefined && usedInputFlags.length > 0) {
    throw new UsageError(
      `give either --file or input flags, not both (got --file and --${usedInputFlags[0]})`,
    );
  }
  if (values.file === undefined && usedInputFlags.length === 0) {
    throw new UsageError('no input: give --file PATH or the input flags (see --help)');
  }
  return {
    input: values.file !== undefined ? readJsonFile(values.file) : inputFromFlags(values),
    fromFlags: values.file === undefined,
    wait: !values['no-wait'],
    taskQueue: values['task-queue'],
  };
}

/**
 * Only what was given is set, so a missing flag surfaces as "is required" on its field. Both
 * flags of a new-or-existing pair go into the input when both are given (`--store-name` with
 * `--store-id`): the input's own parse refuses that as contradictory, as it does from a file or
 * the library, instead of this picking one of them.
 */
function inputFromFlags(flags: Flags): unknown {
  const channel = flags.channel ?? 'SMS';
  const recipients = (flags.to ?? []).map((address) => ({ address, channel }));
  const storeId = flags['store-id'];
  const conversationId = flags['conversation-id'];
  return {
    provisioningId: flags['provisioning-id'],
    memoryStore:
      storeId === undefined
        ? { displayName: flags['store-name'] }
        : definedOnly({ displayName: flags['store-name'], existingStoreId: storeId }),
    configuration: {
      displayName: flags['config-name'],
      description: flags['config-description'] ?? DEFAULT_CONFIG_DESCRIPTION,
    },
    // --to names the message's recipients too: it makes participants of a new conversation only.
    conversation:
      conversationId === undefined
        ? {
            name: flags['conversation-name'],
            participants: recipients.map((address) => ({ type: 'CUSTOMER', addresses: [address] })),
          }
        : definedOnly({ name: flags['conversation-name'], existingConversationId: conversationId }),
    message: {
      from: flags.from === undefined ? {} : { address: flags.from, channel },
      to: recipients,
      text: flags.text,
    },
  };
}

/** The entries whose value is set: the input's parse sees a key as given even when undefined. */
function definedOnly(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const FLAG_OF_FIELD: Record<string, string> = {
  provisioningId: '--provisioning-id',
  // A new-or-existing pair given both ways is refused on the object itself.
  memoryStore: '--store-name, --store-id',
  conversation: '--conversation-name, --conversation-id',
  'memoryStore.displayName': '--store-name',
  'memoryStore.existingStoreId': '--store-id',
  'configuration.displayName': '--config-name',
  'configuration.description': '--config-description',
  'conversation.name': '--conversation-name',
  'conversation.existingConversationId': '--conversation-id',
  'message.from': '--from',
  'message.to': '--to',
  'message.text': '--text',
};

/** The flag that set a field of the input, e.g. `--config-name` for `configuration.displayName`. */
export function flagFor(fieldPath: string): string | undefined {
  if (fieldPath.startsWith('message.to.')) return '--to';
  if (fieldPath.startsWith('conversation.participants.')) return '--to';
  return FLAG_OF_FIELD[fieldPath];
}
