/**
 * A verb's session with Temporal: connected as the environment says (src/temporal/connection.ts),
 * with the data converter of the keys every entry point uses (src/codec/configured-keys.ts: the
 * runs `npm start` encrypts are read with no setting), closed however the verb ends.
 */
import { dataConverterFromEnv } from '../codec/data-converter';
import { connectToTemporal, temporalTargetFromEnv, type TemporalConnection } from '../temporal/connection';

/**
 * Runs `run` on a fresh connection and closes it. A key setting that cannot work throws its
 * ConfigurationError before connecting (exit 2).
 */
export async function withTemporal<T>(run: (temporal: TemporalConnection) => Promise<T>): Promise<T> {
  const dataConverter = dataConverterFromEnv();
  const temporal = await connectToTemporal(temporalTargetFromEnv(), dataConverter);
  try {
    return await run(temporal);
  } finally {
    await temporal.connection.close();
  }
}
