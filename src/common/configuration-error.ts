/**
 * A setting in the environment that cannot work, found before anything starts. The message
 * names the variables and what is wrong, never a value: a value may be a secret. `npm start`
 * and the command line exit 2 on it, as on bad usage. Every layer may throw it (codec,
 * observability, the worker), hence its home here.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The names of the set (non-empty) variables among `names`, for an error message. */
export function namesOfSetVariables(env: NodeJS.ProcessEnv, names: readonly string[]): string {
  return names.filter((name) => env[name]).join(', ');
}
