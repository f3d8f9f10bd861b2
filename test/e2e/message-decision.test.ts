/**
 * A first message whose outcome stays unknown parks the run, flagged, until a person decides
 * through the `resolveMessageOutcome` Workflow Update: resend it, or go on without it. Without a
 * decision within `decideWithinMs` it fails as before. On a real dev server: the time-skipping
 * test server answers Updates with "update not found".
 */
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { resolveMessageOutcome, startProvisioning } from '../../src/client';
import {
  AwaitingDecision,
  progressQuery,
  type ProvisionProgress,
  type ProvisionResult,
} from '../../src/workflows/definitions';
import { applicationFailureOf, currentDetailsOf } from '../workflows/support';
import { cleanEnv, runScript, stopRunningScripts } from '../cli/processes';
import { useDevStack } from '../support/dev-stack';
import { wallClockInput, type OnboardingInput } from '../support/inputs';

const stack = useDevStack();
afterEach(stopRunningScripts);

/** Every SEND_MESSAGE POST is counted; the first fails with a 500 (it may have been applied). */
function sends(): number {
  return stack.emulator.summary().requests['POST /v2/Conversations/{conversationId}/Actions'] ?? 0;
}

function inputLookingFor(
  unconfirmed: NonNullable<OnboardingInput['message']['unconfirmed']>,
): OnboardingInput {
  const input = wallClockInput();
  return {
    ...input,
    message: { ...input.message, text: `${input.message.text} ${input.provisioningId}`, unconfirmed },
  };
}

/** Starts a provisioning whose send fails ambiguously and waits until it asks for a decision. */
async function startParked(input: OnboardingInput): Promise<WorkflowHandle> {
  stack.emulator.addFault({
    kind: 'status',
    status: 500,
    times: 1,
    match: { method: 'POST', path: '/Actions$' },
  });
  const handle = await startProvisioning(stack.client, input, { taskQueue: stack.taskQueue });
  for (let tries = 0; tries < 200; tries += 1) {
    const progress = await handle.query<ProvisionProgress>(progressQuery.name);
    if (progress.awaitingDecision === 'message-outcome') return handle;
    await delay(100);
  }
  throw new Error('the run never waited for a decision');
}

test('parked: flagged for a person in the search attribute, current details and progress', async () => {
  const handle = await startParked(inputLookingFor({ lookForMs: 1_000 }));
  const { typedSearchAttributes } = await handle.describe();
  expect(typedSearchAttributes.get(AwaitingDecision)).toBe('message-outcome');
  const details = await currentDetailsOf(handle);
  expect(details).toContain('Waiting for your decision');
  expect(details).toMatch(
    /\*\*resend\*\* sends it again .*\*\*skip\*\* completes the provisioning without it/,
  );
  await resolveMessageOutcome(stack.client, handle.workflowId, 'skip');
  await handle.result();
});

test('resend: sent again once, and the provisioning completes with one message', async () => {
  const before = { sends: sends(), messages: stack.emulator.summary().messagesSent };
  const handle = await startParked(inputLookingFor({ lookForMs: 1_000 }));
  await resolveMessageOutcome(stack.client, handle.workflowId, 'resend');
  const result = (await handle.result()) as ProvisionResult;

  expect(result.origins.message).toBe('sent');
  expect(sends() - before.sends).toBe(2);
  expect(stack.emulator.summary().messagesSent - before.messages).toBe(1);
  // The flag is cleared once the decision is taken.
  expect((await handle.describe()).typedSearchAttributes.get(AwaitingDecision)).toBeUndefined();
});

test('skip: the provisioning completes without the message, which is never sent again', async () => {
  const before = { sends: sends(), messages: stack.emulator.summary().messagesSent };
  const handle = await startParked(inputLookingFor({ lookForMs: 1_000 }));
  await resolveMessageOutcome(stack.client, handle.workflowId, 'skip');
  const result = (await handle.result()) as ProvisionResult;

  expect(result.origins.message).toBe('skipped');
  expect(result.steps['await-message'].status).toBe('skipped');
  expect(sends() - before.sends).toBe(1);
  expect(stack.emulator.summary().messagesSent).toBe(before.messages);
});

test('no decision within decideWithinMs: the run fails as MessageOutcomeUnknown; a late decision is refused', async () => {
  const handle = await startParked(inputLookingFor({ lookForMs: 1_000, decideWithinMs: 1_500 }));
  const error: unknown = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  const failure = applicationFailureOf(error, 'workflow');
  expect(failure.type).toBe('MessageOutcomeUnknown');
  expect(failure.message).toContain('no decision came, so it was not resent');
  await expect(resolveMessageOutcome(stack.client, handle.workflowId, 'resend')).rejects.toThrow();
});

test('a decision sent to a run that is not waiting for one is refused and changes nothing', async () => {
  const before = stack.emulator.summary().messagesSent;
  const handle = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  // Still creating its store: nothing is unknown yet.
  await expect(resolveMessageOutcome(stack.client, handle.workflowId, 'resend')).rejects.toThrow(
    WorkflowUpdateFailedError,
  );
  const result = await handle.result();
  expect(result.origins.message).toBe('sent');
  expect(stack.emulator.summary().messagesSent).toBe(before + 1);
});

test('the CLI delivers a decision: resolve ID --skip; bad usage exits 2 before connecting', async () => {
  const handle = await startParked(inputLookingFor({ lookForMs: 1_000 }));
  const env = cleanEnv({ TEMPORAL_ADDRESS: stack.testEnv.address });

  const neither = runScript('src/cli/provision.ts', ['resolve', handle.workflowId], env);
  expect(await neither.exited).toBe(2);
  expect(neither.stderr()).toContain('give exactly one of --resend or --skip');

  const skip = runScript('src/cli/provision.ts', ['resolve', handle.workflowId, '--skip'], env);
  expect(await skip.exited).toBe(0);
  expect(skip.stderr()).toContain('the first message will be skipped');
  const result = (await handle.result()) as ProvisionResult;
  expect(result.origins.message).toBe('skipped');
}, 60_000);
