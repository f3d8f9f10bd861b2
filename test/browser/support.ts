/**
 * Headless Chromium for the Web UI tests: the Chromium that the `@sparticuz/chromium` dev
 * dependency ships inside its npm package (so `npm ci` brings it; nothing is installed by hand),
 * driven by playwright-core, with a fresh profile and nothing reaching beyond loopback.
 * `ORCHESTRATOR_TEST_CHROMIUM_PATH` names another Chromium to use instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH_VARIABLE = 'ORCHESTRATOR_TEST_CHROMIUM_PATH';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const UNPACK_TIMEOUT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 30_000;

/**
 * The packaged Chromium, unpacked once per package version under the temp directory.
 * `executablePath()` unpacks into `os.tmpdir()` (as `chromium`, with its fonts and SwiftShader
 * beside it) and later takes any `chromium` found there as done; so it runs in a child process
 * whose TMPDIR is a fresh directory, renamed into place only when complete: a run cut short,
 * two test runs at once or another version's `/tmp/chromium` cannot hand over a broken binary.
 */
async function packagedChromium(): Promise<string> {
  const packageDir = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(tmpdir(), `orchestrator-test-chromium-${version}`);
  const executable = join(dir, 'chromium');
  if (existsSync(executable)) return executable;
  const staging = mkdtempSync(`${dir}.unpacking-`);
  try {
    await promisify(execFile)(
      process.execPath,
      [
        '-e',
        "require('@sparticuz/chromium').executablePath().catch((e) => { console.error(e); process.exit(1); })",
      ],
      { cwd: __dirname, env: { ...process.env, TMPDIR: staging }, timeout: UNPACK_TIMEOUT_MS },
    );
    if (!existsSync(join(staging, 'chromium'))) {
      throw new Error(`@sparticuz/chromium ${version} unpacked no chromium into ${staging}`);
    }
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another test run unpacked the same version first: use its copy.
    if (!existsSync(executable)) throw error;
  }
  return executable;
}

async function chromiumExecutable(): Promise<string> {
  const given = process.env[CHROMIUM_PATH_VARIABLE];
  if (given === undefined || given === '') return packagedChromium();
  if (!existsSync(given)) throw new Error(`${CHROMIUM_PATH_VARIABLE}=${given}: no such file`);
  return given;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Waits (polling, up to `timeoutMs`) until the page's visible text matches `pattern`; returns that text. */
export async function textWhen(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.locator('body').innerText();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) {
      throw new Error(
        `the page never showed ${pattern} within ${timeoutMs} ms; it shows:\n${text.slice(0, 2000)}`,
      );
    }
    await sleep(250);
  }
}

/** A port free on loopback right now, for a server that must be told its port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
