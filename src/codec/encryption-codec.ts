/**
 * A `PayloadCodec` that encrypts every payload with AES-256-GCM, the scheme of Temporal's
 * encryption samples: the whole payload (metadata and data, as protobuf) becomes the data of a
 * new payload with encoding `binary/encrypted` and the key's ID in `encryption-key-id`.
 * The data is `IV (12 bytes) | ciphertext | GCM tag (16 bytes)`, and the key ID is authenticated
 * data, so a payload altered in any byte, or relabelled with another key's ID, is refused.
 *
 * Uses node:crypto: it runs in the client and in the worker's data converter, outside the workflow
 * sandbox, and must never be imported by workflow code.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { LOCAL_KEY_FILE } from './configured-keys';
import { ENCRYPTION_ENV, type KeyRing } from './key-ring';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A payload names a key this process does not hold: rotated out of the ring, another
 * environment's, or no key configured at all (a shell beside `npm start` without its key file).
 */
export class MissingEncryptionKeyError extends Error {
  override readonly name = 'MissingEncryptionKeyError';
  constructor(
    readonly keyId: string,
    knownKeyIds: readonly string[],
  ) {
    const held =
      knownKeyIds.length > 0
        ? `which is not in the key ring (it holds ${knownKeyIds.join(', ')})`
        : 'and no encryption key is configured';
    super(
      `a payload is encrypted with key ${JSON.stringify(keyId.slice(0, 64))}, ${held}: give this process ` +
        `that key in ${ENCRYPTION_ENV.keys} or ${ENCRYPTION_ENV.keyFile}, or, with neither set, in the ` +
        `state folder's ${LOCAL_KEY_FILE} (.local/ or ORCHESTRATOR_STATE_DIR; npm start writes it there)`,
    );
  }
}

/** A payload that fails authentication: altered, truncated, or encrypted with another key of that ID. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(readonly keyId: string) {
    super(
      `a payload encrypted with key "${keyId}" failed authentication (AES-GCM): it was altered or ` +
        'truncated, or the key under that ID is not the one it was encrypted with; refusing it',
    );
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  // A throw in a promise's executor rejects it: a failure is a rejection, never a synchronous throw.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.encrypt(payload))));
  }

  /** Payloads that are not encrypted (written before encryption was turned on) pass unchanged. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.decrypt(payload))));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.ring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.ring.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(keyId));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID]: Buffer.from(keyId),
      },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = encryptedWith(payload);
    if (keyId === undefined) return payload;
    const key = this.ring.keys.get(keyId);
    if (!key) throw new MissingEncryptionKeyError(keyId, [...this.ring.keys.keys()]);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(keyId);
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

/**
 * The codec of a process without keys: payloads pass as they are, and an encrypted one is
 * refused naming its key and how to provide it (the SDK's converter alone would fail with
 * "Unknown encoding: binary/encrypted").
 */
export class KeylessCodec implements PayloadCodec {
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads);
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) =>
      resolve(
        payloads.map((payload) => {
          const keyId = encryptedWith(payload);
          if (keyId !== undefined) throw new MissingEncryptionKeyError(keyId, []);
          return payload;
        }),
      ),
    );
  }
}

/** The key ID of an encrypted payload ('' when it names none); undefined when it is not encrypted. */
function encryptedWith(payload: Payload): string | undefined {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || Buffer.from(encoding).toString() !== ENCODING_ENCRYPTED) return undefined;
  const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
  return keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
}
