/**
 * Bad input is refused before anything starts, by every entry point, on a real dev server: the
 * library (`startProvisioning`) and `npm run provision -- --file`. Then the command line's
 * failures: one line and a documented exit code for Temporal unreachable or refusing, the stack
 * trace only with --debug.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startProvisioning } from '../../src/client';
import { CONNECT_TIMEOUT_MS } from '../../src/temporal/bounded-connect';
import { InvalidProvisionInputError } from '../../src/workflows/provision-input';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { wallClockInput } from '../support/inputs';
import { badInputs, type BadInput } from '../support/bad-inputs';
import { cleanEnv, runScript, stopRunningScripts } from './processes';

jest.setTimeout(180_000);

let stack: DevStack;
let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));

beforeAll(async () => {
  stack = await startDevStack();
  env = cleanEnv({ TEMPORAL_ADDRESS: stack.testEnv.address, TEMPORAL_TASK_QUEUE: stack.taskQueue });
});
afterEach(stopRunningScripts);
afterAll(() => stack?.stop());

/** Every workflow the dev server holds, of any status. */
async function workflowCount(): Promise<number> {
  let count = 0;
  for await (const workflow of stack.client.workflow.list()) if (workflow.workflowId) count += 1;
  return count;
}

/** Describe is consistent at once (a listing may lag): no run under the ID the input names. */
async function expectNoRunFor(bad: BadInput): Promise<void> {
  const { provisioningId } = bad.input as { provisioningId?: unknown };
  if (typeof provisioningId !== 'string') return;
  await expect(
    stack.client.workflow.getHandle(`provision-${provisioningId}`).describe(),
  ).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

/** Writes `input` as JSON (a `__proto__` key of parsed JSON is written as a key) and returns the path. */
function inputFile(name: string, input: unknown): string {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(input));
  return file;
}

/** stderr's lines, without the blank ones. */
const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

test('the library refuses every bad input naming the field and rule, and starts no workflow', async () => {
  const before = await workflowCount();
  for (const bad of badInputs()) {
    const refusal = await startProvisioning(stack.client, bad.input as never, {
      taskQueue: stack.taskQueue,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(InvalidProvisionInputError);
    const issues = (refusal as InvalidProvisionInputError).issues.filter((issue) => issue.path === bad.path);
    expect({ name: bad.name, messages: issues.map((issue) => issue.message) }).toEqual({
      name: bad.name,
      messages: expect.arrayContaining([expect.stringMatching(bad.rule)]) as string[],
    });
    await expectNoRunFor(bad);
  }
  expect(await workflowCount()).toBe(before);
});

/** One of each kind of rule: the CLI shares the library's schema, each run costs a process. */
const CLI_CASES = [
  'a channel spelled with a Cyrillic look-alike letter',
  'a WhatsApp recipient without its prefix',
  '51 participants',
  'a __proto__ key in capture-rule metadata',
  'a message text of zero-width spaces',
  'a message text with a lone surrogate',
  'a store name too long for the workflow ID',
  'a store display name and an existing store ID together',
];

test('npm run provision -- --file refuses each bad input: exit 2, one line naming field and rule, no workflow', async () => {
  const cases = badInputs().filter((bad) => CLI_CASES.includes(bad.name));
  expect(cases).toHaveLength(CLI_CASES.length);
  const before = await workflowCount();
  for (const bad of cases) {
    const run = runScript('src/cli/provision.ts', ['--file', inputFile(bad.name, bad.input)], env);
    expect({ name: bad.name, exit: await run.exited }).toEqual({ name: bad.name, exit: 2 });
    const lines = linesOf(run.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: invalid provisioning input, nothing was started: /);
    expect(lines[0]).toContain(`${bad.path}: `);
    expect(lines[0]).toMatch(bad.rule);
    await expectNoRunFor(bad);
  }
  expect(await workflowCount()).toBe(before);
});

test.each([
  ['--store-name', '--store-id', 'mem_store_01aaaaaaaaaaaaaaaaaaaaaaaa', 'memoryStore'],
  [
    '--conversation-name',
    '--conversation-id',
    'conv_conversation_01aaaaaaaaaaaaaaaaaaaaaaaa',
    'conversation',
  ],
])(
  "npm run provision with %s and %s together: exit 2, the library's refusal naming both flags, no workflow",
  async (newFlag, existingFlag, id, field) => {
    const provisioningId = `both-${randomUUID().slice(0, 8)}`;
    const given: Record<string, string> = {
      '--provisioning-id': provisioningId,
      '--store-name': 'acme-store',
      '--config-name': 'Acme support',
      '--conversation-name': 'acme-first',
      '--from': '+15550100',
      '--to': '+15550101',
      '--text': 'Welcome',
      [existingFlag]: id,
    };
    const before = await workflowCount();
    const run = runScript('src/cli/provision.ts', Object.entries(given).flat(), env);
    expect(await run.exited).toBe(2);
    expect(linesOf(run.stderr())).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: invalid provisioning input, nothing was started: ${field} \\(${newFlag}, ${existingFlag}\\): give .* not both`,
        ),
      ),
    ]);
    await expect(
      stack.client.workflow.getHandle(`provision-${provisioningId}`).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await workflowCount()).toBe(before);
  },
);

describe('when Temporal cannot be reached', () => {
  const validFile = () => inputFile('valid', wallClockInput());

  test('a refused connection: exit 3, one line with the address and the cause, no stack trace', async () => {
    const run = runScript('src/cli/provision.ts', ['--file', validFile()], {
      ...env,
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    });
    expect(await run.exited).toBe(3);
    const lines = linesOf(run.stderr());
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: cannot reach Temporal at 127\.0\.0\.1:9: Connection refused\. Check TEMPORAL_ADDRESS/,
      ),
    ]);
  });

  test('a server that never answers: exit 3 at the connect bound, with --debug every cause and the stack', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const run = runScript('src/cli/provision.ts', ['status', 'anything', '--debug'], {
        ...env,
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      });
      expect(await run.exited).toBe(3);
      const [first, ...rest] = linesOf(run.stderr());
      // The toolkit's bound, not the SDK's own 30 s timeout ("Timeout expired").
      expect(first).toMatch(
        new RegExp(
          `^error: cannot reach Temporal at 127\\.0\\.0\\.1:${port}: no answer within ${CONNECT_TIMEOUT_MS} ms\\.`,
        ),
      );
      expect(rest[0]).toMatch(/^TemporalUnreachableError: /);
      expect(rest.some((line) => /^\s+at /.test(line))).toBe(true);
    } finally {
      silent.close();
    }
  });

  test('npm start with TEMPORAL_ADDRESS pointing nowhere: exit 3, the same one line', async () => {
    const run = runScript('src/cli/start.ts', [], cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:9' }));
    expect(await run.exited).toBe(3);
    const errors = linesOf(run.stderr()).filter((line) => line.startsWith('error') || /^\s+at /.test(line));
    expect(errors).toEqual([
      expect.stringMatching(/^error: cannot reach Temporal at 127\.0\.0\.1:9: Connection refused\./),
    ]);
  });
});

test("a request Temporal refuses: exit 1, one line with the server's reason", async () => {
  const run = runScript(
    'src/cli/provision.ts',
    ['--file', inputFile('refused', wallClockInput()), '--task-queue', 'q'.repeat(1001)],
    env,
  );
  expect(await run.exited).toBe(1);
  const lines = linesOf(run.stderr());
  expect(lines).toEqual([
    expect.stringMatching(
      /^error: Temporal refused the request \(Failed to start Workflow\): .*taskQueue length exceeds limit/,
    ),
  ]);
});

test('a usage mistake: exit 2, one line pointing at --help', async () => {
  const run = runScript('src/cli/provision.ts', ['--no-such-flag'], env);
  expect(await run.exited).toBe(2);
  expect(linesOf(run.stderr())).toEqual([
    expect.stringMatching(/^error: .*no-such-flag.*\(npm run provision -- --help lists the options\)$/),
  ]);
});
