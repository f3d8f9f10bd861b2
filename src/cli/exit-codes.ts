/**
 * The exit codes of `npm run orchestrator` (`npm run provision`) and `npm start` (the README's
 * Command line section lists them): a script can tell a mistake to fix from a server to start
 * from a failed run.
 */
export const EXIT = {
  ok: 0,
  /**
   * The provisioning failed, Temporal refused a request, or the run's data cannot be decrypted
   * here (the line names the key and where to give it): the line says why.
   */
  failed: 1,
  /** Bad usage, input or configuration, named: nothing was started. */
  usage: 2,
  /** `plan` and `drift` (whose errors exit 1): the live state differs from the spec. */
  changes: 2,
  /** No Temporal server answered at the configured address. */
  temporalUnreachable: 3,
  /** Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
