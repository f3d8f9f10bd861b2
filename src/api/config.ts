/**
 * Client options from environment variables, for the worker and the CLI.
 */
import {
  DEFAULT_CONVERSATIONS_BASE_URL,
  DEFAULT_MEMORY_BASE_URL,
  type Credentials,
  type OrchestratorClientOptions,
} from './client-options';

/**
 * Reads:
 * - `TWILIO_ACCOUNT_SID` plus either `TWILIO_API_KEY` + `TWILIO_API_SECRET` (preferred when set)
 *   or `TWILIO_AUTH_TOKEN`;
 * - `TWILIO_CONVERSATIONS_BASE_URL` and `TWILIO_MEMORY_BASE_URL` (default: Twilio's hosts), or
 *   `TWILIO_ORCHESTRATOR_BASE_URL` for both at once (the emulator serves both hosts on one port).
 *   A host's own variable wins over `TWILIO_ORCHESTRATOR_BASE_URL`.
 *
 * Missing credentials throw an Error naming the missing variables, never printing a value.
 * Empty variables count as missing.
 */
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OrchestratorClientOptions {
  const read = (name: string) => (env[name] === '' ? undefined : env[name]);
  const shared = read('TWILIO_ORCHESTRATOR_BASE_URL');
  return {
    credentials: credentialsFromEnv(read),
    conversationsBaseUrl: read('TWILIO_CONVERSATIONS_BASE_URL') ?? shared ?? DEFAULT_CONVERSATIONS_BASE_URL,
    memoryBaseUrl: read('TWILIO_MEMORY_BASE_URL') ?? shared ?? DEFAULT_MEMORY_BASE_URL,
  };
}

function credentialsFromEnv(read: (name: string) => string | undefined): Credentials {
  const accountSid = read('TWILIO_ACCOUNT_SID');
  const apiKey = read('TWILIO_API_KEY');
  const apiSecret = read('TWILIO_API_SECRET');
  const authToken = read('TWILIO_AUTH_TOKEN');
  // Setting either API key variable chooses API key auth, so a half-set pair is reported.
  const usesApiKey = apiKey !== undefined || apiSecret !== undefined;

  if (accountSid !== undefined) {
    if (usesApiKey && apiKey !== undefined && apiSecret !== undefined)
      return { accountSid, apiKey, apiSecret };
    if (!usesApiKey && authToken !== undefined) return { accountSid, authToken };
  }
  const missing = [
    accountSid === undefined && 'TWILIO_ACCOUNT_SID',
    usesApiKey && apiKey === undefined && 'TWILIO_API_KEY',
    usesApiKey && apiSecret === undefined && 'TWILIO_API_SECRET',
    !usesApiKey && authToken === undefined && 'TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)',
  ].filter((name) => name !== false);
  throw new Error(
    `Missing Twilio credentials: ${missing.join(', ')}. Set TWILIO_ACCOUNT_SID with either ` +
      'TWILIO_AUTH_TOKEN or TWILIO_API_KEY + TWILIO_API_SECRET.',
  );
}
