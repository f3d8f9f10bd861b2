/**
 * What a verb of the command line is (`npm run orchestrator -- VERB ...`). Verbs are registered
 * in one table, in the entry (src/cli/orchestrator.ts); a verb never imports the entry.
 */
import { DEFAULT_TASK_QUEUE } from '../../workflows/definitions';
import type { ExitCode } from '../exit-codes';

export interface Verb {
  /** One line, for the list of verbs in `npm run orchestrator -- --help`. */
  summary: string;
  /** What `VERB --help` prints. */
  usage: string;
  /**
   * Runs the verb on its arguments: without the verb itself and `--debug`, which the dispatcher
   * handles, as it does `--help`. Resolves with the exit code. What was typed wrong throws a
   * `UsageError` (../usage-error); any other failure rejects, and the entry prints its one line.
   */
  run(args: string[]): Promise<number>;
  /**
   * The exit code of a usage error. @default EXIT.usage (2); the fleet verbs, whose 2 means
   * "changes", exit 1 on every error, as Terraform's detailed exit codes do.
   */
  usageExitCode?: ExitCode;
}

/** The `--task-queue` line of a verb's usage. */
export const TASK_QUEUE_HELP = `default: $TEMPORAL_TASK_QUEUE, else ${DEFAULT_TASK_QUEUE}`;

/** Where every verb that connects finds Temporal. */
export const TEMPORAL_SETTINGS_HELP = `Temporal is reached through TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
TEMPORAL_TLS_* or a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); default localhost:7233.`;
