/**
 * What was typed cannot run: an unknown flag, a missing argument, an unreadable file, an input
 * that breaks a rule, a workflow that does not exist. Every verb throws this one error; the
 * dispatcher (./orchestrator.ts) and `npm start` report it in one line pointing at `--help`,
 * exit 2, nothing started.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { InvalidInputError } from '../workflows/input-schema';
import { EXIT, type ExitCode } from './exit-codes';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The one report of a usage error: `error: <message> (<helpCommand> lists the options)` on
 * stderr, e.g. `(npm run orchestrator -- update --help lists the options)`.
 */
export function reportUsageError(
  err: UsageError,
  helpCommand: string,
  code: ExitCode = EXIT.usage,
): ExitCode {
  process.stderr.write(`error: ${err.message} (${helpCommand} lists the options)\n`);
  return code;
}

type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type ParsedCommand<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>
>;

/** `node:util`'s `parseArgs` (strict, positionals allowed) whose refusals are usage errors. */
export function parseCommandArgs<const O extends CommandOptions>(
  args: string[],
  options: O,
): ParsedCommand<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The JSON in the file a `--file` flag names. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * A refused input as a usage error, e.g. `invalid provisioning input, nothing was started:
 * configuration.displayName (--config-name): must be at most 32 characters`: every field, the
 * flag that set it when `flagFor` knows one, and its rule.
 */
export function invalidInput(
  subject: string,
  err: InvalidInputError,
  flagFor: (fieldPath: string) => string | undefined = () => undefined,
): UsageError {
  const issues = err.issues.map((issue) => {
    const flag = flagFor(issue.path);
    return `${issue.path}${flag ? ` (${flag})` : ''}: ${issue.message}`;
  });
  return new UsageError(`invalid ${subject}, nothing was started: ${issues.join('; ')}`);
}
