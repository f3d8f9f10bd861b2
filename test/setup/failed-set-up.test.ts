/**
 * A suite whose set-up fails part-way stops what it had started, and harms no suite after it.
 * In a jest process of its own (with --detectOpenHandles), the Web UI suite runs with its
 * Chromium path broken: its `beforeAll` fails while its dev server, codec server, emulator and
 * workflow bundling are starting. An emulator suite runs next in the same process. The process
 * must end by itself, report that failure, pass the second suite, report no open handle, and
 * leave no server of the first suite running.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH_VARIABLE } from '../browser/support';
import { cleanEnv, processesMentioning, ROOT } from '../cli/processes';

const FAILING_SUITE = 'test/browser/web-ui-codec.test.ts';
const NEXT_SUITE = 'test/emulator/idempotency.test.ts';
/** The set-up takes about 15 s on 2 cores; a leaked server would keep jest alive past this. */
const BOUND_MS = 120_000;

/** Runs jest on `suites` in path order; past `BOUND_MS` kills its whole process group. */
function runJest(
  suites: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const child = spawn(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--ci',
      '--runInBand',
      '--detectOpenHandles',
      `--testSequencer=${join(__dirname, 'path-order-sequencer.mjs')}`,
      // The child's TMPDIR is fresh: keep its transform cache where the next run finds it.
      `--cacheDirectory=${join(tmpdir(), 'orchestrator-guard-jest-cache')}`,
      '--runTestsByPath',
      ...suites,
    ],
    // A group of its own, so that on timeout the servers it leaked go too.
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, BOUND_MS);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    }),
  );
}

test(
  'a Web UI suite whose browser cannot start stops its servers and bundling; jest exits by itself',
  async () => {
    // Everything the suites put in the temp directory (the dev server's SQLite state, named on its
    // command line) lands here, so what is left running or lying around is found by this path.
    const childTmp = mkdtempSync(join(tmpdir(), 'failed-set-up-'));
    try {
      const ended = await runJest(
        [FAILING_SUITE, NEXT_SUITE],
        cleanEnv({ TMPDIR: childTmp, [CHROMIUM_PATH_VARIABLE]: '/nonexistent' }),
      );
      const { output } = ended;

      expect({ timedOut: ended.timedOut, code: ended.code }).toEqual({ timedOut: false, code: 1 });
      expect(output).toContain(`${CHROMIUM_PATH_VARIABLE}=/nonexistent: no such file`);
      expect(output).toMatch(new RegExp(`FAIL ${FAILING_SUITE}`));
      expect(output).toMatch(new RegExp(`PASS ${NEXT_SUITE}`));
      expect(output).toMatch(/Test Suites: 1 failed, 1 passed, 2 total/);
      expect(output).not.toMatch(/open handle/i);
      expect(output).not.toMatch(/did not exit/);
      expect(processesMentioning(childTmp)).toEqual([]);
      expect(readdirSync(childTmp).filter((name) => name.startsWith('dev-stack-state-'))).toEqual([]);
    } finally {
      rmSync(childTmp, { recursive: true, force: true });
    }
  },
  BOUND_MS + 30_000,
);
