/**
 * The one command line, `npm run orchestrator -- VERB`, and its first name, `npm run provision`,
 * in child processes: every verb listed and documented, every verb's usage mistake one line
 * pointing at that verb's --help, exit 2, before anything connects (Temporal's address here is
 * one nothing listens on: connecting would exit 3).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cleanEnv, ROOT, runScript, stopRunningScripts } from './processes';

jest.setTimeout(120_000);

const ORCHESTRATOR = 'src/cli/orchestrator.ts';
const PROVISION = 'src/cli/provision.ts';
const VERBS = ['provision', 'status', 'update', 'teardown', 'cancel', 'resolve'];
const env = cleanEnv({ TEMPORAL_ADDRESS: '127.0.0.1:9' });

afterEach(stopRunningScripts);

/** Runs the entry to its end: exit code, stdout, stderr's non-blank lines. */
async function run(script: string, args: string[]) {
  const process = runScript(script, args, env);
  const exit = await process.exited;
  return {
    exit,
    stdout: process.stdout(),
    errors: process
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== ''),
  };
}

test('npm run orchestrator -- --help lists every verb with what it does', async () => {
  const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'orchestrator', '--', '--help'], {
    cwd: ROOT,
    env,
  });
  expect(stdout).toContain('Usage: npm run orchestrator -- VERB [arguments]');
  for (const verb of VERBS) expect(stdout).toMatch(new RegExp(`\\n  ${verb} +\\w`));
  expect(stdout).toContain('npm run provision -- ...');
});

test("VERB --help prints that verb's usage, in its npm run orchestrator form, and exits 0", async () => {
  const helps = await Promise.all(VERBS.map((verb) => run(ORCHESTRATOR, [verb, '--help'])));
  helps.forEach(({ exit, stdout, errors }, index) => {
    const verb = VERBS[index]!;
    expect({ verb, exit, errors }).toEqual({ verb, exit: 0, errors: [] });
    expect(stdout).toContain(`\n  npm run orchestrator -- ${verb} `);
  });
});

test.each([
  { args: ['provision', '--file', '/no/such/input.json'], message: /^cannot read --file \/no\/such\/input\.json: ENOENT/ },
  { args: ['status'], message: /^status takes exactly one workflow ID$/ },
  { args: ['update', 'conv_configuration_01abc', '--set', 'nonsense'], message: /^--set nonsense: expected FIELD=VALUE$/ },
  { args: ['teardown'], message: /^nothing to tear down: / },
  { args: ['cancel', 'provision-a', 'provision-b'], message: /^cancel takes exactly one workflow ID$/ },
  { args: ['resolve', 'provision-a', '--resend', '--skip'], message: /^give exactly one of --resend or --skip$/ },
])('$args: exit 2, one line pointing at the verb\'s --help, nothing connected', async ({ args, message }) => {
  const { exit, errors } = await run(ORCHESTRATOR, args);
  expect({ exit, errors: errors.length }).toEqual({ exit: 2, errors: 1 });
  const suffix = ` (npm run orchestrator -- ${args[0]} --help lists the options)`;
  expect(errors[0]!.startsWith('error: ')).toBe(true);
  expect(errors[0]!.endsWith(suffix)).toBe(true);
  expect(errors[0]!.slice('error: '.length, -suffix.length)).toMatch(message);
}); // prettier-ignore

test('no verb, or one that does not exist: exit 2, naming the verbs', async () => {
  for (const [args, problem] of [
    [[], 'no verb'],
    [['provison', '--file', 'x.json'], 'unknown verb provison'],
  ] as const) {
    const { exit, errors } = await run(ORCHESTRATOR, [...args]);
    expect({ exit, errors: errors.length }).toEqual({ exit: 2, errors: 1 });
    expect(errors[0]).toMatch(
      new RegExp(`^error: ${problem}: give one of .*\\(npm run orchestrator -- --help lists the options\\)$`),
    );
    // Every verb, whatever others the table holds.
    const named = /give one of (.*) \(/.exec(errors[0]!)![1]!.split(', ');
    expect(named).toEqual(expect.arrayContaining(VERBS));
  }
});

// test/cli/{provision-command,bad-input,lifecycle-command,update-command}.test.ts run every verb
// through npm run provision against a server.
describe('npm run provision: provision unless the first argument names another verb', () => {
  test("--help is the provision verb's; its mistakes point at npm run provision -- --help", async () => {
    const help = await run(PROVISION, ['--help']);
    expect(help.exit).toBe(0);
    expect(help.stdout).toContain('--store-name NAME');

    const mistake = await run(PROVISION, ['--file', 'a.json', '--text', 'hi']);
    expect(mistake).toMatchObject({
      exit: 2,
      errors: [
        'error: give either --file or input flags, not both (got --file and --text) ' +
          '(npm run provision -- --help lists the options)',
      ],
    });
  });

  test('a first argument naming another verb runs that verb', async () => {
    expect(await run(PROVISION, ['resolve', 'provision-a'])).toMatchObject({
      exit: 2,
      errors: [
        'error: give exactly one of --resend or --skip (npm run provision -- resolve --help lists the options)',
      ],
    });
  });
});
