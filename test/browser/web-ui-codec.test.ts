/**
 * The Web UI of a real dev server, in headless Chromium: with the codec server the run's input
 * reads as plain text; the same run on the same SQLite state, served without the codec endpoint,
 * shows only ciphertext.
 */
import type { Page } from 'playwright-core';
import { awaitProvisioning, startProvisioning, type StartedProvisioning } from '../../src/client';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { encryptedStackOptions, randomRing } from '../codec/support';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { CUSTOMER_ADDRESS, MESSAGE_TEXT, SENDER_ADDRESS, wallClockInput } from '../support/inputs';
import { useResources } from '../setup/resources';
import { freePort, launchChromium, textWhen, type Browser } from './support';

const ring = randomRing();

let uiPort: number;
let codecServer: RunningCodecServer;
let stack: DevStack;
let browser: Browser;
let run: StartedProvisioning;
const resources = useResources();
/** Requests the pages made to the codec server. */
const codecRequests: string[] = [];

beforeAll(async () => {
  uiPort = await freePort();
  codecServer = await resources.start(
    startCodecServer({
      codec: new EncryptionCodec(ring),
      token: `browser-test-${Date.now()}-token`,
      allowedOrigins: [`http://localhost:${uiPort}`],
    }),
    (server) => server.close(),
  );
  [stack, browser] = await Promise.all([
    resources.start(
      startDevStack({
        ...encryptedStackOptions(ring, resources),
        ui: { port: uiPort, codecEndpoint: codecServer.uiEndpoint },
      }),
      (started) => started.stop(),
    ),
    resources.start(launchChromium(), (started) => started.close()),
  ]);
  browser.context.on('request', (request) => {
    if (request.url().startsWith(codecServer.url)) codecRequests.push(`${request.method()} ${request.url()}`);
  });
  run = await startProvisioning(stack.client, wallClockInput(), { taskQueue: stack.taskQueue });
  await awaitProvisioning(run);
}, 90_000);

async function openRun(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(
    `http://localhost:${uiPort}/namespaces/default/workflows/${run.workflowId}/${run.firstExecutionRunId}/history`,
  );
  return page;
}

test('with the codec server, the run page shows the decoded input', async () => {
  const page = await openRun();
  // The input panel is a code view that renders only its first lines: the addresses, not the text.
  const text = await textWhen(page, /Input[\s⌄]*\{\s*"provisioningId"/);
  expect(text).toContain(`"address": "${CUSTOMER_ADDRESS}"`);
  expect(text).toContain(`"address": "${SENDER_ADDRESS}"`);
  expect(text).toContain(run.workflowId);
  // The UI called the codec server through the endpoint holding the token, and got answers.
  expect(codecRequests.some((request) => /^POST .*\/decode/.test(request))).toBe(true);
  await page.close();
}, 60_000);

test('served without the codec endpoint, the same run shows ciphertext and no plaintext', async () => {
  await stack.stop();
  stack = await resources.start(
    // The same state, served without the codec endpoint; the run is over, so no worker.
    startDevStack({ ui: { port: uiPort }, dbFile: stack.dbFile, worker: false }),
    (restarted) => restarted.stop(),
  );
  codecRequests.length = 0;
  const page = await openRun();
  // The input panel renders the payload it cannot decode: a base64 string of the ciphertext.
  const text = await textWhen(page, /Input\s*"[A-Za-z0-9+/]{100,}={0,2}"/);
  expect(text).toContain(run.workflowId);
  for (const value of [CUSTOMER_ADDRESS, SENDER_ADDRESS, MESSAGE_TEXT]) expect(text).not.toContain(value);
  expect(codecRequests).toEqual([]);
  await page.close();
}, 90_000);
