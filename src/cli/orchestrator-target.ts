/**
 * Which Orchestrator `npm start` talks to, decided from the environment:
 * - a base URL in TWILIO_ORCHESTRATOR_BASE_URL (or the per-host variables): that server, e.g.
 *   an emulator in docker-compose (with the emulator's default credentials when none are set);
 * - else real Twilio credentials (TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_API_KEY +
 *   TWILIO_API_SECRET): Twilio itself;
 * - else an emulator started in this process.
 */
import { clientOptionsFromEnv, type OrchestratorClientOptions } from '../api';
import { DEFAULT_EMULATOR_CREDENTIALS, startEmulator, type RunningEmulator } from '../emulator';
import { describeClientOptions } from './describe-orchestrator';

export interface OrchestratorTarget {
  clientOptions: OrchestratorClientOptions;
  /** For the console: where requests go and how they authenticate, never a secret. */
  description: string;
  /** Set when this process started the emulator; closed by `close()`. */
  emulator?: RunningEmulator;
  close(): Promise<void>;
}

const BASE_URL_VARIABLES = [
  'TWILIO_ORCHESTRATOR_BASE_URL',
  'TWILIO_CONVERSATIONS_BASE_URL',
  'TWILIO_MEMORY_BASE_URL',
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

export async function chooseOrchestrator(env: NodeJS.ProcessEnv = process.env): Promise<OrchestratorTarget> {
  const noop = async () => {};
  if (BASE_URL_VARIABLES.some((name) => env[name])) {
    const clientOptions = clientOptionsFromEnv(
      hasTwilioCredentials(env) ? env : { ...env, ...emulatorCredentialsEnv() },
    );
    return {
      clientOptions,
      description: `Orchestrator at ${describeClientOptions(clientOptions)}`,
      close: noop,
    };
  }
  if (hasTwilioCredentials(env)) {
    const clientOptions = clientOptionsFromEnv(env);
    return { clientOptions, description: `Twilio: ${describeClientOptions(clientOptions)}`, close: noop };
  }
  const emulator = await startEmulator({ credentials: { ...DEFAULT_EMULATOR_CREDENTIALS } });
  const clientOptions = clientOptionsFromEnv({
    TWILIO_ORCHESTRATOR_BASE_URL: emulator.url,
    ...emulatorCredentialsEnv(),
  });
  return {
    clientOptions,
    description:
      `emulator at ${emulator.url}, in this process ` +
      '(set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET to use Twilio)',
    emulator,
    close: () => emulator.close(),
  };
}
