/**
 * `npm run orchestrator -- VERB ...`, and compiled, the package's `orchestrator` command
 * (bin/orchestrator): the command line over the lifecycle library. The verbs, each in its own
 * module under ./verbs, are registered in the one table below; `npm run provision`
 * (./provision.ts) is this dispatcher with `provision` as its default verb.
 *
 * Output: a verb's result as JSON on stdout, the rest on stderr. What was typed wrong is one
 * line and exit 2 (./usage-error); a failure is one line and its exit code (./failure), with
 * every cause and the stack trace under `--debug`.
 */
import { EXIT } from './exit-codes';
import { reportFailure } from './failure';
import { reportUsageError, UsageError } from './usage-error';
import { apply } from './verbs/apply';
import { cancel } from './verbs/cancel';
import { drift } from './verbs/drift';
import { plan } from './verbs/plan';
import { provision } from './verbs/provision';
import { resolve } from './verbs/resolve';
import { status } from './verbs/status';
import { teardown } from './verbs/teardown';
import { update } from './verbs/update';
import { TEMPORAL_SETTINGS_HELP, type Verb } from './verbs/verb';

const VERBS = { provision, status, update, teardown, cancel, resolve, plan, apply, drift } satisfies Record<
  string,
  Verb
>;

export type VerbName = keyof typeof VERBS;

export interface CommandLine {
  /** What the person typed before the verb, for messages: `npm run orchestrator --`. */
  program: string;
  /** The verb run when the first argument names none. @default none: a verb is required */
  defaultVerb?: VerbName;
}

function usage(program: string): string {
  const width = Math.max(...Object.keys(VERBS).map((name) => name.length)) + 3;
  const verbs = Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(width)}${verb.summary}`);
  return `Provision Twilio Conversation Orchestrator resources through durable Temporal workflows,
then follow, change, remove or cancel them; or plan, apply and watch a whole fleet of tenants.

Usage: ${program} VERB [arguments] [--debug]

Verbs:
${verbs.join('\n')}

  -h, --help  this text; after a verb, that verb's arguments and options
  --debug     on failure, also print every cause and the stack trace

From a checkout: npm run orchestrator -- VERB, or npm run provision -- ... (its verb is provision
unless the first argument names another). Installed: orchestrator VERB (npx orchestrator VERB).

${TEMPORAL_SETTINGS_HELP}
Exit codes: 0 done, 1 the run failed or Temporal refused a request, 2 bad usage or input
(nothing was started), 3 Temporal unreachable.`;
}

function isVerb(name: string | undefined): name is VerbName {
  return name !== undefined && Object.hasOwn(VERBS, name);
}

/** Runs the command line (without `--debug`); resolves with the exit code, rejects with a failure. */
async function runCommandLine(argv: string[], { program, defaultVerb }: CommandLine): Promise<number> {
  const [first, ...rest] = argv;
  const named = isVerb(first) ? first : undefined;
  const name = named ?? defaultVerb;
  if (name === undefined) {
    if (first === '--help' || first === '-h') {
      console.log(usage(program));
      return EXIT.ok;
    }
    const problem = first === undefined ? 'no verb' : `unknown verb ${first}`;
    const error = new UsageError(`${problem}: give one of ${Object.keys(VERBS).join(', ')}`);
    return reportUsageError(error, `${program} --help`);
  }
  const verb: Verb = VERBS[name];
  const args = named ? rest : argv;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(verb.usage);
    return EXIT.ok;
  }
  try {
    return await verb.run(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsageError(
      err,
      named ? `${program} ${name} --help` : `${program} --help`,
      verb.usageExitCode,
    );
  }
}

/** Runs the command line of this process and exits with its code. */
export function main(commandLine: CommandLine): void {
  // `--debug` anywhere adds every cause and the stack trace to a failure's one line.
  const argv = process.argv.slice(2);
  const debug = argv.includes('--debug');
  runCommandLine(
    argv.filter((arg) => arg !== '--debug'),
    commandLine,
  ).then(
    (code) => process.exit(code),
    (err: unknown) => process.exit(reportFailure(err, debug)),
  );
}

if (require.main === module) {
  // Compiled (dist/cli/orchestrator.js), this runs as the package's `orchestrator` command.
  main({ program: __filename.endsWith('.js') ? 'orchestrator' : 'npm run orchestrator --' });
}
