/**
 * Which Orchestrator `npm start` talks to, decided from the environment:
 * - a base URL in TWILIO_ORCHESTRATOR_BASE_URL (or the per-host variables): that server, e.g.
 *   an emulator in docker-compose (with the emulator's default credentials when none are set);
 * - else real Twilio credentials (TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_API_KEY +
 *   TWILIO_API_SECRET): Twilio itself;
 * - else an emulator started in this process.
 */
import { clientOptionsFromEnv, OrchestratorClient, type OrchestratorClientOptions } from '../api';
import { DEFAULT_EMULATOR_CREDENTIALS, startEmulator, type RunningEmulator } from '../emulator';
import { ConfigurationError, namesOfSetVariables } from '../common/configuration-error';
import { describeClientOptions } from '../api/describe-client-options';

export interface OrchestratorTarget {
  clientOptions: OrchestratorClientOptions;
  /** The client the worker's activities call. */
  api: OrchestratorClient;
  /** For the console: where requests go and how they authenticate, never a secret. */
  description: string;
  /** Set when this process started the emulator. */
  emulator?: RunningEmulator;
  /** Closes the client, then the emulator when this process started it. */
  close(): Promise<void>;
}

const BASE_URL_VARIABLES = [
  'TWILIO_ORCHESTRATOR_BASE_URL',
  'TWILIO_CONVERSATIONS_BASE_URL',
  'TWILIO_MEMORY_BASE_URL',
];
const CREDENTIAL_VARIABLES = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_KEY',
  'TWILIO_API_SECRET',
];

function hasTwilioCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.TWILIO_ACCOUNT_SID && (env.TWILIO_AUTH_TOKEN || (env.TWILIO_API_KEY && env.TWILIO_API_SECRET)),
  );
}

function emulatorCredentialsEnv(): NodeJS.ProcessEnv {
  const { accountSid, authToken } = DEFAULT_EMULATOR_CREDENTIALS;
  return { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken };
}

/**
 * The Orchestrator the environment names (a base URL, or Twilio credentials), or undefined when
 * it names none and `startEmulatorTarget()` is to supply one. Opens nothing (the client connects
 * on its first request), so `npm start` checks the settings before it starts anything.
 *
 * @throws ConfigurationError naming the variables read, never their values.
 */
export function configuredOrchestrator(env: NodeJS.ProcessEnv = process.env): OrchestratorTarget | undefined {
  if (BASE_URL_VARIABLES.some((name) => env[name])) {
    const target = clientFromEnv(
      env,
      hasTwilioCredentials(env) ? env : { ...env, ...emulatorCredentialsEnv() },
    );
    return { ...target, description: `Orchestrator at ${describeClientOptions(target.clientOptions)}` };
  }
  if (hasTwilioCredentials(env)) {
    const target = clientFromEnv(env, env);
    return { ...target, description: `Twilio: ${describeClientOptions(target.clientOptions)}` };
  }
  return undefined;
}

/** `env` is what the person set (named in errors); `settings` may add the emulator's credentials. */
function clientFromEnv(
  env: NodeJS.ProcessEnv,
  settings: NodeJS.ProcessEnv,
): Pick<OrchestratorTarget, 'clientOptions' | 'api' | 'close'> {
  try {
    const clientOptions = clientOptionsFromEnv(settings);
    // The constructor checks the options (origins only, credentials well-formed).
    const api = new OrchestratorClient(clientOptions);
    return { clientOptions, api, close: () => api.close() };
  } catch (err) {
    // Both errors name option fields or variables and their rules, never a value.
    const variables = namesOfSetVariables(env, [...BASE_URL_VARIABLES, ...CREDENTIAL_VARIABLES]);
    throw new ConfigurationError(
      `Cannot use the Orchestrator settings in ${variables}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** An emulator in this process, with its default credentials, and a client pointed at it. */
export async function startEmulatorTarget(): Promise<OrchestratorTarget> {
  const emulator = await startEmulator({ credentials: { ...DEFAULT_EMULATOR_CREDENTIALS } });
  const clientOptions = clientOptionsFromEnv({
    TWILIO_ORCHESTRATOR_BASE_URL: emulator.url,
    ...emulatorCredentialsEnv(),
  });
  const api = new OrchestratorClient(clientOptions);
  return {
    clientOptions,
    api,
    description:
      `emulator at ${emulator.url}, in this process ` +
      '(set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET to use Twilio)',
    emulator,
    close: async () => {
      await api.close();
      await emulator.close();
    },
  };
}
