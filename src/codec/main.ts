/**
 * `npm run codec-server`: the Web UI's (and the Temporal CLI's) remote codec endpoint, with the
 * workers' keys, found by the rule of ./configured-keys.ts (ORCHESTRATOR_ENCRYPTION_*, else the
 * state folder's key file).
 *
 *   ORCHESTRATOR_CODEC_TOKEN    the shared token, at least 16 characters (required)
 *   ORCHESTRATOR_CODEC_ORIGINS  the Web UI origins allowed to call it, comma-separated
 *                               (default http://localhost:8233,http://127.0.0.1:8233)
 *   ORCHESTRATOR_CODEC_HOST     default 127.0.0.1; ORCHESTRATOR_CODEC_PORT default 8888
 */
import { ConfigurationError } from '../common/configuration-error';
import { startCodecServer, MIN_TOKEN_LENGTH, type CodecServerOptions } from './codec-server';
import { EncryptionCodec } from './encryption-codec';
import { configuredKeys, localKeyFilePath } from './configured-keys';
import { ENCRYPTION_ENV } from './key-ring';

const DEFAULT_ORIGINS = 'http://localhost:8233,http://127.0.0.1:8233';
const DEFAULT_PORT = 8888;

/** @throws ConfigurationError naming the variable and the rule, never a value. */
export function codecServerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): CodecServerOptions {
  const keys = configuredKeys(env);
  if (!keys) {
    throw new ConfigurationError(
      `the codec server needs the workers' keys: set ${ENCRYPTION_ENV.keys} or ${ENCRYPTION_ENV.keyFile}, ` +
        `or have the state folder's key file at ${localKeyFilePath(env)} (npm start writes it)`,
    );
  }
  const token = env.ORCHESTRATOR_CODEC_TOKEN ?? '';
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigurationError(
      `ORCHESTRATOR_CODEC_TOKEN must be set, at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`,
    );
  }
  const port = Number(env.ORCHESTRATOR_CODEC_PORT || DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigurationError('ORCHESTRATOR_CODEC_PORT must be a port number (0 to 65535)');
  }
  const allowedOrigins = (env.ORCHESTRATOR_CODEC_ORIGINS || DEFAULT_ORIGINS).split(',').map((o) => o.trim());
  for (const origin of allowedOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigurationError(
        `ORCHESTRATOR_CODEC_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`,
      );
    }
  }
  return {
    codec: new EncryptionCodec(keys.ring),
    token,
    allowedOrigins,
    host: env.ORCHESTRATOR_CODEC_HOST || '127.0.0.1',
    port,
  };
}

async function main(): Promise<void> {
  let options: CodecServerOptions;
  try {
    options = codecServerOptionsFromEnv();
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  const server = await startCodecServer(options);
  console.log(`[codec-server] listening on ${server.url} for ${options.allowedOrigins.join(', ')}`);
  console.log(`[codec-server] Web UI codec endpoint: ${server.url}/<ORCHESTRATOR_CODEC_TOKEN>`);
  console.log(
    `[codec-server] CLI: temporal workflow show --codec-endpoint ${server.url} --codec-auth "Bearer $ORCHESTRATOR_CODEC_TOKEN" ...`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`[codec-server] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
