/**
 * How the command lines report a failure: one line saying what failed, the field or setting
 * involved and what to do, and an exit code from ./exit-codes. The whole chain of causes and the
 * stack trace are for `--debug`.
 */
import { ServiceError, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { MissingEncryptionKeyError, PayloadDecryptionError } from '../codec/encryption-codec';
import { TemporalUnreachableError } from '../temporal/bounded-connect';
import { InvalidProvisionInputError } from '../workflows/provision-input';
import { ConfigurationError } from '../common/configuration-error';
import { EXIT, type ExitCode } from './exit-codes';

/** A line is cut here: a server's reason can be long. */
const MAX_LINE_LENGTH = 1_000;

export interface CliFailure {
  exitCode: ExitCode;
  /** One line, starting with `error: `. */
  line: string;
}

/** The line and exit code for an error that ended a command. */
export function explainFailure(err: unknown): CliFailure {
  if (err instanceof TemporalUnreachableError) {
    return {
      exitCode: EXIT.temporalUnreachable,
      line:
        `error: cannot reach Temporal at ${err.address}: ${err.reason}. Check TEMPORAL_ADDRESS (and ` +
        'TEMPORAL_TLS_* or TEMPORAL_API_KEY for a secured cluster), or start a server there ' +
        '(`temporal server start-dev`; `npm start` without TEMPORAL_ADDRESS runs its own)',
    };
  }
  if (err instanceof ConfigurationError)
    return { exitCode: EXIT.usage, line: oneLine(`error: ${err.message}`) };
  if (err instanceof InvalidProvisionInputError) {
    return { exitCode: EXIT.usage, line: oneLine(`error: ${err.message}; nothing was started`) };
  }
  const root = rootCause(err);
  // A run this process cannot decrypt: the codec's message names the key and where to put it.
  if (root instanceof MissingEncryptionKeyError || root instanceof PayloadDecryptionError) {
    return { exitCode: EXIT.failed, line: oneLine(`error: cannot read the run's data: ${root.message}`) };
  }
  if (err instanceof WorkflowFailedError) {
    return {
      exitCode: EXIT.failed,
      line: oneLine(
        `error: provisioning failed: ${root.message}${failureType(root)}. Fix the cause and run the same ` +
          'provisioning again: what it created is adopted, not created twice (--debug shows every cause)',
      ),
    };
  }
  if (err instanceof WorkflowUpdateFailedError) {
    return {
      exitCode: EXIT.failed,
      line: oneLine(`error: update failed: ${root.message}${failureType(root)} (--debug shows every cause)`),
    };
  }
  if (err instanceof ServiceError) {
    const because = root === err ? '' : `: ${root.message}`;
    return {
      exitCode: EXIT.failed,
      line: oneLine(`error: Temporal refused the request (${err.message})${because}`),
    };
  }
  return {
    exitCode: EXIT.failed,
    line: oneLine(`error: ${root.name}: ${root.message} (--debug shows the stack trace)`),
  };
}

/**
 * Prints the failure's line to stderr (with `debug`, also every cause and the stack trace) and
 * returns its exit code.
 */
export function reportFailure(err: unknown, debug: boolean): ExitCode {
  const { line, exitCode } = explainFailure(err);
  process.stderr.write(`${line}\n`);
  if (debug) {
    process.stderr.write(`${describeFailureChain(err)}\n`);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  return exitCode;
}

/**
 * A workflow failure arrives as a chain (`WorkflowFailedError` → `ActivityFailure` →
 * `ApplicationFailure`); the useful message is usually the last one. Every cause, one per line.
 */
export function describeFailureChain(err: unknown): string {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (!(current instanceof Error)) {
      lines.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
    lines.push(`${'  '.repeat(depth)}${current.name}: ${current.message}${failureType(current)}`);
    current = current.cause;
  }
  return lines.join('\n');
}

/** The last Error in the cause chain (at most 10 deep), or the value itself as an Error. */
function rootCause(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  let current = err;
  for (let depth = 0; depth < 10 && current.cause instanceof Error; depth += 1) current = current.cause;
  return current;
}

/** ` [Type]` for an ApplicationFailure with a type, else nothing. */
function failureType(err: Error): string {
  return 'type' in err && typeof err.type === 'string' ? ` [${err.type}]` : '';
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > MAX_LINE_LENGTH ? `${flat.slice(0, MAX_LINE_LENGTH)}…` : flat;
}
