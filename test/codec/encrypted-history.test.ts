/**
 * With encryption on, a provisioning's personal data (phone numbers, message text) reaches
 * neither the history the server returns nor the dev server's SQLite file, on the happy path and
 * on a failure quoting a phone number, while the client decodes the result and the failure whole.
 */
import { Client, WorkflowFailedError } from '@temporalio/client';
import { awaitProvisioning, startProvisioning } from '../../src/client';
import { encryptedDataConverter } from '../../src/codec/data-converter';
import { ENCODING_ENCRYPTED } from '../../src/codec/encryption-codec';
import { keyRing } from '../../src/codec/key-ring';
import type { provisionOrchestrator } from '../../src/workflows';
import { describeFailureChain } from '../../src/cli/failure';
import { useDevStack } from '../support/dev-stack';
import { CUSTOMER_ADDRESS, MESSAGE_TEXT, SENDER_ADDRESS, wallClockInput } from '../support/inputs';
import { readableHistory } from '../workflows/support';
import { encryptedStackOptions, randomRing, rawClientOf, sqliteText } from './support';

const ring = randomRing('key-2026-11');
const stack = useDevStack((resources) => encryptedStackOptions(ring, resources));

const personalData = [CUSTOMER_ADDRESS, SENDER_ADDRESS, MESSAGE_TEXT];
const workflowIds: string[] = [];

/** A control run the raw client starts without the codec: its input is stored as plain text. */
const PLAIN_MARKER = '+15557770042';
let controlWorkflowId: string;

test('a completed provisioning: the client reads the whole result, the server stores none of the personal data', async () => {
  const input = wallClockInput();
  expect([input.message.to[0]!.address, input.message.from.address, input.message.text]).toEqual(
    personalData,
  );
  const handle = await startProvisioning(stack.client, input, { taskQueue: stack.taskQueue });
  workflowIds.push(handle.workflowId);
  const result = await awaitProvisioning(handle);
  expect(result.ids.messageSid).toMatch(/^SM/);
  expect(result.steps['send-message'].status).toBe('done');

  const raw = readableHistory(await rawClientOf(stack).workflow.getHandle(handle.workflowId).fetchHistory());
  // Metadata values stay in base64 in the JSON: the payloads say they are encrypted.
  expect(raw).toContain(Buffer.from(ENCODING_ENCRYPTED).toString('base64'));
  for (const value of personalData) expect(raw).not.toContain(value);
  // The positive control: a run started without the codec shows its input to the same search.
  controlWorkflowId = `plain-control-${handle.workflowId}`;
  const control = await rawClientOf(stack).workflow.start('provisionOrchestrator', {
    workflowId: controlWorkflowId,
    taskQueue: 'no-worker-polls-this',
    args: [{ marker: PLAIN_MARKER }],
  });
  expect(readableHistory(await control.fetchHistory())).toContain(PLAIN_MARKER);
  await control.terminate('control run');
});

test('a failure quoting a phone number: the client reads the message, the history holds it encrypted', async () => {
  stack.emulator.addFault({
    kind: 'operation-fails',
    match: { method: 'POST', path: '^/v2/ControlPlane/Configurations$' },
    error: { title: 'Provisioning refused', detail: `recipient ${CUSTOMER_ADDRESS} opted out` },
  });
  const input = wallClockInput();
  const handle = await startProvisioning(stack.client, input, { taskQueue: stack.taskQueue });
  workflowIds.push(handle.workflowId);
  const error = await awaitProvisioning(handle).catch((err: unknown) => err);
  stack.emulator.clearFaults();
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(describeFailureChain(error)).toContain(`recipient ${CUSTOMER_ADDRESS} opted out`);

  const raw = readableHistory(await rawClientOf(stack).workflow.getHandle(handle.workflowId).fetchHistory());
  expect(raw).toContain('Encoded failure');
  for (const value of personalData) expect(raw).not.toContain(value);
  expect(raw).not.toContain('opted out');
});

test('after a rotation the old key still reads the run; without it, reading fails naming the key ID', async () => {
  const newKey = randomRing('key-2026-12').keys.get('key-2026-12')!.toString('base64');
  const oldKey = ring.keys.get('key-2026-11')!.toString('base64');
  const clientWith = (keys: Record<string, string>) =>
    new Client({
      connection: stack.testEnv.connection,
      dataConverter: encryptedDataConverter(keyRing('key-2026-12', keys, 'test')),
    });
  const [completedRun] = workflowIds;
  const rotated = clientWith({ 'key-2026-12': newKey, 'key-2026-11': oldKey });
  const result = await rotated.workflow.getHandle<typeof provisionOrchestrator>(completedRun!).result();
  expect(result.ids.messageSid).toMatch(/^SM/);
  const withoutOldKey = clientWith({ 'key-2026-12': newKey });
  await expect(withoutOldKey.workflow.getHandle(completedRun!).result()).rejects.toThrow(
    /encrypted with key "key-2026-11", which is not in the key ring/,
  );
});

test("the dev server's SQLite file holds neither run's personal data, but the plain control run's", async () => {
  expect(workflowIds).toHaveLength(2);
  await stack.stop();
  const stored = sqliteText(stack.dbFile!);
  for (const id of [...workflowIds, controlWorkflowId]) expect(stored).toContain(id);
  expect(stored).toContain(PLAIN_MARKER);
  for (const value of [...personalData, 'opted out']) expect(stored).not.toContain(value);
});
