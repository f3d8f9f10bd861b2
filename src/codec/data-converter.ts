/**
 * The data converter of encrypted deployments, for the Client and the Worker alike:
 *
 *     const dataConverter = dataConverterFromEnv();      // undefined when no key is configured
 *     const client = new Client({ connection, namespace, dataConverter });
 *     const worker = await createWorker({ connection, api, dataConverter });
 *
 * Payloads are encrypted by `EncryptionCodec`; failure messages and stack traces by way of
 * `failureConverter` (src/codec/failure-converter.ts), which the worker also bundles into the
 * workflow sandbox.
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { keyRingFromEnv, type KeyRing } from './key-ring';

/** Loaded by path: the worker bundles it with the workflow code, and the client requires it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** Encrypts payloads and failures with the ring's current key; decrypts with any of its keys. */
export function encryptedDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The encrypted data converter when the environment configures keys (see src/codec/key-ring.ts),
 * else `undefined`: the SDK's default, unencrypted.
 *
 * @throws EncryptionConfigError naming the variable and the rule, never a key.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const ring = keyRingFromEnv(env);
  return ring && encryptedDataConverter(ring);
}
