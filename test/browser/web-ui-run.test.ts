/**
 * What a person sees of a provisioning in the dev server's Web UI, in headless Chromium, while
 * it runs: the run's summary and details, the current step (current details), labelled
 * activities and timers in the timeline, and the search attributes. Screenshots of each view are
 * kept under artifacts/web-ui/ (git-ignored; CI keeps them).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  getProgress,
  provisioningSummary,
  startProvisioning,
  type StartedProvisioning,
} from '../../src/client';
import { startCodecServer, type RunningCodecServer } from '../../src/codec/codec-server';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { encryptedStackOptions, randomRing } from '../codec/support';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { setTimeout as delay } from 'node:timers/promises';
import { useResources } from '../setup/resources';
import { freePort, launchChromium, type Browser } from './support';

const SCREENSHOTS = join(__dirname, '..', '..', 'artifacts', 'web-ui');
const ring = randomRing();
const input = {
  ...wallClockInput(),
  polling: { initialIntervalMs: 1_000, maxIntervalMs: 5_000, operationDeadlineMs: 5 * 60_000 },
};

let uiPort: number;
let codecServer: RunningCodecServer;
let stack: DevStack;
let browser: Browser;
let run: StartedProvisioning;
const resources = useResources();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  uiPort = await freePort();
  codecServer = await resources.start(
    startCodecServer({
      codec: new EncryptionCodec(ring),
      token: `web-ui-test-${Date.now()}-token`,
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
  // The configuration's operation stays PENDING: the run waits in await-configuration.
  stack.emulator.addFault({
    kind: 'operation-stuck',
    times: 1,
    match: { method: 'POST', path: '/Configurations$' },
  });
  run = await startProvisioning(stack.client, input, { taskQueue: stack.taskQueue });
  resources.add(() => run.terminate('the Web UI test is done').catch(() => undefined));
  // The UI reads the current details once per page load: open the pages once the run waits
  // for its configuration, after its first poll (so that wait's timer is in the timeline).
  for (let tries = 0; ; tries += 1) {
    const progress = await getProgress(run).catch(() => undefined);
    if (progress?.step === 'await-configuration' && (progress.steps['await-configuration']?.polls ?? 0) >= 1)
      break;
    if (tries > 300)
      throw new Error(`the run never reached its first configuration poll: ${JSON.stringify(progress)}`);
    await delay(100);
  }
}, 90_000);

/** Opens the run's page on one of its tabs; `text` waits for a pattern, then keeps a screenshot. */
async function open(
  tab: 'User Metadata' | 'Timeline' | 'Search Attributes',
  name: string,
): Promise<{ page: Page; text: (pattern: RegExp) => Promise<string> }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 1600 });
  await page.goto(
    `http://localhost:${uiPort}/namespaces/default/workflows/${run.workflowId}/${run.firstExecutionRunId}/history`,
  );
  // The tabs answer clicks once the page has loaded the run's history.
  await page.getByText('Workflow Task Completed').first().waitFor();
  await page.getByText(tab, { exact: true }).first().click();
  return {
    page,
    text: async (pattern) => {
      try {
        return await textOfAllFramesWhen(page, pattern);
      } finally {
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      }
    },
  };
}

/** The UI renders markdown (details, current details) in sandboxed frames: their text counts too. */
async function textOfAllFramesWhen(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await Promise.all(
      page.frames().map((frame) =>
        frame
          .locator('body')
          .innerText()
          .catch(() => ''),
      ),
    );
    const text = texts.join('\n');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline)
      throw new Error(`the page never showed ${pattern}; it shows:\n${text.slice(0, 3000)}`);
    await delay(250);
  }
}

test('the run page shows its summary, details and the step it is at', async () => {
  const { page, text } = await open('User Metadata', 'run-summary-and-current-step');
  const shown = (await text(/Step:\s*await-configuration/)).replace(/[“”]/g, '"');
  expect(shown).toContain(provisioningSummary(input));
  expect(shown).toContain(`Provisioning configuration "${input.configuration.displayName}"`);
  // The steps so far, with their status, and the store made.
  expect(shown).toMatch(/create-memory-store\s*done/);
  expect(shown).toMatch(/await-configuration\s*running/);
  expect(shown).toMatch(/memoryStore: created/);
  await page.close();
}, 60_000);

test('the timeline labels each activity and timer with its summary', async () => {
  const { page, text } = await open('Timeline', 'timeline');
  const shown = await text(/create memory store "[^"]+"/);
  expect(shown).toMatch(/poll memory store operation/);
  expect(shown).toMatch(/configuration operation \S+: wait \S+ before poll \d+/);
  await page.close();
}, 60_000);

test('the search attributes say which operation the run is and where it is', async () => {
  const { page, text } = await open('Search Attributes', 'search-attributes');
  const shown = await text(/ProvisioningStep[\s\S]*await-configuration/);
  expect(shown).toMatch(/LifecycleOperation[\s\S]*provision/);
  expect(shown).toMatch(/OrchestratorStoreId[\s\S]*mem_store_/);
  await page.close();
}, 60_000);
