/**
 * The package as a team gets it: `npm pack` (its prepack builds dist/), the tarball installed
 * into a fresh project from the local npm cache, its declarations type-checked there, and a
 * provisioning run from there (test/package/consumer/provision.cjs) against a real dev server
 * and the package's emulator, using only the package's public entries; then its `orchestrator`
 * command shows that run.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { FAIRNESS_SERVER_ARGS } from '../../src/temporal/task-queue-budget';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { PROVISION_STEPS, SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';
import packageJson from '../../package.json';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const CONSUMER_SOURCES = join(__dirname, 'consumer');
const run = promisify(execFile);
const options = (cwd: string) => ({
  cwd,
  maxBuffer: 32 * 1024 * 1024,
  // The `prepare` hook installs the Temporal binaries: the project has them already.
  env: { ...process.env, ORCHESTRATOR_SKIP_TEMPORAL_INSTALL: '1' },
});

let workDir: string;
let consumer: string;
let tarball: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'orchestrator-package-'));
  consumer = join(workDir, 'consumer');
  await run('npm', ['pack', '--pack-destination', workDir], options(ROOT));
  const packed = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
  expect(packed).toEqual([`${packageJson.name}-${packageJson.version}.tgz`]);
  tarball = join(workDir, packed[0] as string);

  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  for (const file of ['provision.cjs', 'types.ts'])
    copyFileSync(join(CONSUMER_SOURCES, file), join(consumer, file));
  // The team installs the SDK it talks to itself, at the package's version (one copy).
  const sdk = (['@temporalio/client', '@temporalio/worker'] as const).map(
    (name) => `${name}@${packageJson.dependencies[name]}`,
  );
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...sdk],
    options(consumer),
  );
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('the tarball holds the compiled package and the prebuilt workflow bundles, not the sources', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.split('\n').filter(Boolean);
  for (const entry of ['index', 'worker-kit', 'api/index', 'emulator/index', 'workflows/index']) {
    expect(files).toContain(`package/dist/${entry}.js`);
    expect(files).toContain(`package/dist/${entry}.d.ts`);
  }
  expect(files).toContain('package/dist/workflow-bundle.js');
  expect(files).toContain('package/dist/workflow-bundle-encrypted.js');
  expect(files.filter((file) => /^package\/(src|test|bench|scripts)\//.test(file))).toEqual([]);
});

test('the public entries type-check in the consumer; files behind them are not importable', async () => {
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['types.ts'],
    }),
  );
  await run(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
    options(consumer),
  );

  const deepImport = run(
    process.execPath,
    ['-e', "require('orchestrator-temporal/dist/client')"],
    options(consumer),
  );
  const refusal = await deepImport.then(
    () => 'the deep import loaded',
    (err: { stderr: string }) => err.stderr,
  );
  expect(refusal).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
});

/** The installed package's `orchestrator` command, as `npx orchestrator ...` runs it there. */
function orchestrator(args: string[], env: NodeJS.ProcessEnv = {}) {
  // --no: never fetch a package of that name from the registry, the installed one must answer;
  // `--` keeps npx from reading the command's own flags (`--help`) as its own.
  return run('npx', ['--no', '--', 'orchestrator', ...args], {
    ...options(consumer),
    env: { ...options(consumer).env, ...env },
  });
}

test('npx orchestrator --help lists the verbs, from the compiled command line', async () => {
  const { stdout } = await orchestrator(['--help']);
  expect(stdout).toContain('Usage: orchestrator VERB [arguments]');
  for (const verb of ['provision', 'status', 'update', 'teardown', 'cancel', 'resolve']) {
    expect(stdout).toMatch(new RegExp(`\\n  ${verb} +\\w`));
  }
});

test('a provisioning runs from the installed package, its worker on the prebuilt bundle', async () => {
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalBinary('cli').executable,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: [...FAIRNESS_SERVER_ARGS],
    },
  });
  try {
    const { stdout, stderr } = await run(process.execPath, ['provision.cjs'], {
      ...options(consumer),
      env: { ...options(consumer).env, TEMPORAL_ADDRESS: testEnv.address, TASK_QUEUE: 'package-consumer' },
    });
    const outcome = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      workflowId: string;
      firstStep: string;
      result: { ids: Record<string, string> };
      emulator: { stores: number; messagesSent: number };
    };
    expect(outcome.workflowId).toBe('provision-from-the-package');
    expect([...PROVISION_STEPS, 'completed']).toContain(outcome.firstStep);
    expect(outcome.result.ids.communicationId).toMatch(/^conv_communication_/);
    expect(outcome.emulator).toMatchObject({ stores: 1, messagesSent: 1 });
    // The SDK logs this when it bundles workflow code; the package's worker loads dist/ instead.
    expect(stdout + stderr).not.toContain('Workflow bundle created');

    const status = await orchestrator(['status', outcome.workflowId], { TEMPORAL_ADDRESS: testEnv.address });
    expect(status.stdout).toContain(`${outcome.workflowId} (run `);
    expect(status.stdout).toContain(': COMPLETED');
    expect(status.stdout).toContain(outcome.result.ids.communicationId);
  } finally {
    await testEnv.teardown();
  }
});
