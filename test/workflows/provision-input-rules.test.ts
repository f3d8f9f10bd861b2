/**
 * The documented field rules of a provisioning input, each refused by `parseProvisionInput`
 * naming the field and the rule (the table in ../support/bad-inputs.ts), and the forms they allow.
 */
import { configurationFieldsSchema, configurationPatchSchema } from '../../src/workflows/configuration-input';
import { InvalidProvisionInputError, parseProvisionInput } from '../../src/workflows/provision-input';
import { provisioningWorkflowId } from '../../src/workflows/workflow-ids';
import { WORKFLOW_ID_MAX_BYTES, utf8ByteLength } from '../../src/api/field-rules';
import { badInputs } from '../support/bad-inputs';
import { provisionInput } from '../support/inputs';

function refusal(raw: unknown): InvalidProvisionInputError {
  try {
    parseProvisionInput(raw);
  } catch (error) {
    if (error instanceof InvalidProvisionInputError) return error;
    throw error;
  }
  throw new Error('expected the input to be refused');
}

test.each(badInputs().map((bad) => [bad.name, bad] as const))(
  'refuses %s, naming the field and rule',
  (_, bad) => {
    const { issues, message } = refusal(bad.input);
    expect(issues.filter((issue) => issue.path === bad.path).map((issue) => issue.message)).toContainEqual(
      expect.stringMatching(bad.rule) as string,
    );
    expect(message).toContain(`${bad.path}: `);
  },
);

test('the documented address forms of each channel are accepted', () => {
  const input = provisionInput();
  const accepted = parseProvisionInput({
    ...input,
    conversation: {
      name: 'every channel',
      participants: [
        {
          type: 'CUSTOMER',
          addresses: [
            { channel: 'SMS', address: '+18005550100' },
            { channel: 'VOICE', address: '+442071838750' },
            { channel: 'WHATSAPP', address: 'whatsapp:+18005550100' },
            { channel: 'RCS', address: 'rcs:brand_acme_agent' },
            { channel: 'RCS', address: 'rcs:+18005550100' },
            { channel: 'EMAIL', address: 'user@example.com' },
            { channel: 'CHAT', address: 'visitor 42 ✓' },
          ],
        },
      ],
    },
    message: {
      from: { channel: 'WHATSAPP', address: 'whatsapp:+18005550101' },
      to: [
        { participantId: 'conv_participant_01k1etx3jbfx88476ccja0889c' },
        { channel: 'CHAT', address: 'x' },
      ],
      text: 'Hi 👋', // a surrogate pair, well formed
    },
  });
  expect(accepted.conversation).toMatchObject({ name: 'every channel' });
});

test('record-shaped fields keep their ordinary keys and values exactly', () => {
  const channelSettings = JSON.parse(
    '{"SMS":{"statusTimeouts":{"inactive":10,"closed":15},"captureRules":[{"from":"+18005550100","to":"*","metadata":{"callType":"PSTN","Constructor":"x"}}]},' +
      '"WHATSAPP":{"captureRules":[{"from":"*","to":"whatsapp:+18005550100"}]}}',
  ) as unknown;
  const input = {
    ...provisionInput(),
    configuration: { displayName: 'c', description: 'd', channelSettings },
  };
  expect(parseProvisionInput(input).configuration.channelSettings).toEqual(channelSettings);
});

test('a workflow ID of exactly 1000 bytes is accepted, one byte more is refused', () => {
  const input = provisionInput({ provisioningId: undefined });
  const named = (store: string) => ({
    ...input,
    configuration: { ...input.configuration, displayName: 'c' },
    memoryStore: { displayName: store },
  });
  // provision:c--<store>
  const longest = named('s'.repeat(WORKFLOW_ID_MAX_BYTES - 'provision:c--'.length));
  expect(utf8ByteLength(provisioningWorkflowId(parseProvisionInput(longest)))).toBe(1000);
  expect(refusal(named(`${longest.memoryStore.displayName}s`)).issues).toEqual([
    { path: 'memoryStore.displayName', message: expect.stringContaining('1001 bytes long') as string },
  ]);
  // The same name is fine when a provisioningId names the workflow instead.
  expect(() =>
    parseProvisionInput({ ...named(`${longest.memoryStore.displayName}s`), provisioningId: 'p' }),
  ).not.toThrow();
});

test('the configuration field rules are reusable, and a patch takes any subset of them', () => {
  expect(configurationFieldsSchema().safeParse({ displayName: 'c' }).success).toBe(false);
  expect(configurationPatchSchema().parse({ memoryExtractionEnabled: true })).toEqual({
    memoryExtractionEnabled: true,
  });
  const blank = configurationPatchSchema().safeParse({ description: '\u200b' });
  expect(blank.error?.issues[0]).toMatchObject({
    path: ['description'],
    message: 'must not be empty or only whitespace or invisible characters',
  });
});
