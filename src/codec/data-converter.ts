/**
 * The data converter of the Client and the Worker alike:
 *
 *     const dataConverter = dataConverterFromEnv();      // the keys of ./configured-keys.ts
 *     const client = new Client({ connection, namespace, dataConverter });
 *     const worker = await createWorker({ connection, api, dataConverter });
 *
 * With keys, payloads are encrypted by `EncryptionCodec`, failure messages and stack traces by way
 * of `failureConverter` (src/codec/failure-converter.ts), which the worker also bundles into the
 * workflow sandbox. Without, payloads travel unencrypted and an encrypted one is refused naming
 * its key (`KeylessCodec`).
 */
import type { DataConverter } from '@temporalio/common';
import { configuredKeys, type ConfiguredKeys } from './configured-keys';
import { EncryptionCodec, KeylessCodec } from './encryption-codec';
import type { KeyRing } from './key-ring';

/** Loaded by path: the worker bundles it with the workflow code, and the client requires it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** Encrypts payloads and failures with the ring's current key; decrypts with any of its keys. */
export function encryptedDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** Encrypted with `keys`; without keys, the SDK's default converter that names a missing key. */
export function dataConverterFor(keys: ConfiguredKeys | undefined): DataConverter {
  return keys ? encryptedDataConverter(keys.ring) : { payloadCodecs: [new KeylessCodec()] };
}

/**
 * The data converter for the keys this process has by the rule of ./configured-keys.ts: the
 * environment's key ring, else the state folder's key file, else none.
 *
 * @throws EncryptionConfigError naming the variable or the file and the rule, never a key.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter {
  return dataConverterFor(configuredKeys(env));
}
