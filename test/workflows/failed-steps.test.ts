import { maxPollsBeforeDeadline, resolvePollingPolicy } from '../../src/workflows/polling-policy';
import { progressQuery, ProvisioningStep, StuckOperationId } from '../../src/workflows/definitions';
import { provisionInput } from '../support/inputs';
import { applicationFailureOf, currentDetailsOf, failed, provision, useTestBed } from './support';

const bed = useTestBed();

const failingOperations = [
  { subject: 'memory store operation', path: '^/v1/ControlPlane/Stores$', step: 'await-memory-store' },
  {
    subject: 'configuration operation',
    path: '^/v2/ControlPlane/Configurations$',
    step: 'await-configuration',
  },
] as const;

test.each(failingOperations)(
  'a FAILED $subject fails the step with its error and ID',
  async ({ subject, path, step }) => {
    const error = { title: 'Provisioning refused', detail: 'Region capacity exhausted', code: 520099 };
    const { outcome, handle } = await provision(
      bed,
      { faults: [{ kind: 'operation-fails', match: { method: 'POST', path }, error }] },
      provisionInput(),
      async (_rig, handle) => {
        const progress = await handle.query(progressQuery);
        expect(progress.step).toBe('failed');
        expect(progress.steps[step]?.status).toBe('failed');
      },
    );

    const failure = applicationFailureOf(failed(outcome), 'workflow');
    expect(failure.type).toBe('OperationFailed');
    expect(failure.nonRetryable).toBe(true);
    const [details] = failure.details as [
      { operationId: string; status: string; error: Record<string, unknown> },
    ];
    expect(details.operationId).toMatch(/\w+/);
    expect(details.status).toBe('FAILED');
    expect(details.error).toMatchObject({ title: error.title, detail: error.detail });
    // Memory reports `code`; Conversations an RFC 9457 `type` URL naming the code: either way it is in the message.
    expect(failure.message).toMatch(
      new RegExp(
        `^${subject} ${details.operationId} FAILED: Provisioning refused: Region capacity exhausted \\(.*520099.*\\)$`,
      ),
    );
    expect((await handle.describe()).typedSearchAttributes.get(ProvisioningStep)).toBe('failed');
  },
);

test('a FAILED SEND_MESSAGE action fails the workflow with its failureReason; the message is not resent', async () => {
  const input = provisionInput();
  input.message.to = [{ address: '+15555550000', channel: 'SMS' }];
  const { outcome, summary } = await provision(bed, {}, input);

  const failure = applicationFailureOf(failed(outcome), 'workflow');
  expect(failure.type).toBe('MessageSendFailed');
  expect(failure.message).toMatch(
    /^SEND_MESSAGE action conv_action_\w+ FAILED: Recipient \+15555550000 is unreachable/,
  );
  expect(summary.messagesSent).toBe(1);
});

test('a 4xx is not retried and says what to check', async () => {
  const input = provisionInput({
    conversation: { existingConversationId: 'conv_conversation_01nosuchconversation00000' },
  });
  const { outcome, summary } = await provision(bed, {}, input);

  const failure = applicationFailureOf(failed(outcome), 'activity');
  expect(failure.type).toBe('ResourceNotFound');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain('HTTP 404');
  expect(failure.message).toContain('the resource does not exist');
  // The 404 came from looking for the message in the given conversation, once; nothing was sent.
  expect(summary.requests['GET /v2/Conversations/{conversationId}/Communications']).toBe(1);
  expect(summary.requests['POST /v2/Conversations/{conversationId}/Actions']).toBeUndefined();
});

test('a stuck operation is flagged after 3 minutes, then fails at the deadline naming its ID', async () => {
  const polling = { operationDeadlineMs: 10 * 60_000 };
  let stuckFlag: string | undefined;
  let details = '';
  let queried: string | undefined;
  const { outcome, summary } = await provision(
    bed,
    { faults: [{ kind: 'operation-stuck', match: { method: 'POST', path: '^/v1/ControlPlane/Stores$' } }] },
    provisionInput({ polling }),
    async (_rig, handle) => {
      stuckFlag = (await handle.describe()).typedSearchAttributes.get(StuckOperationId);
      queried = (await handle.query(progressQuery)).stuckOperationId;
      details = await currentDetailsOf(handle);
    },
  );

  const failure = applicationFailureOf(failed(outcome), 'workflow');
  expect(failure.type).toBe('OperationDeadlineExceeded');
  const [{ operationId, polls }] = failure.details as [{ operationId: string; polls: number }];
  expect(failure.message).toBe(
    `memory store operation ${operationId} still PENDING after the 10m deadline (${polls} polls); ` +
      `contact Twilio support with ID ${operationId}`,
  );
  expect(stuckFlag).toBe(operationId);
  expect(queried).toBe(operationId);
  expect(details).toContain(`Operation \`${operationId}\` is stuck`);
  // The policy's bound holds against a server that never finishes.
  const reads = summary.requests['GET /v1/ControlPlane/Operations/{operationId}'];
  expect(reads).toBe(polls);
  expect(polls).toBeLessThanOrEqual(maxPollsBeforeDeadline(resolvePollingPolicy(polling)));
  expect(polls).toBeGreaterThan(5);
});
