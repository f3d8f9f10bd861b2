import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  ENCODING_ENCRYPTED,
  EncryptionCodec,
  METADATA_KEY_ID,
  MissingEncryptionKeyError,
  PayloadDecryptionError,
} from '../../src/codec/encryption-codec';
import { keyRing } from '../../src/codec/key-ring';

const KEY_1 = Buffer.alloc(32, 11).toString('base64');
const KEY_2 = Buffer.alloc(32, 22).toString('base64');
const input = { to: '+15551230001', text: 'Hello Ada' };
const plain = (): Payload => defaultPayloadConverter.toPayload(input);
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString('latin1');

test('a payload is encrypted with the current key and decodes to the original', async () => {
  const codec = new EncryptionCodec(keyRing('k1', { k1: KEY_1 }, 'test'));
  const [encrypted] = await codec.encode([plain()]);
  expect(Buffer.from(encrypted!.metadata!.encoding!).toString()).toBe(ENCODING_ENCRYPTED);
  expect(Buffer.from(encrypted!.metadata![METADATA_KEY_ID]!).toString()).toBe('k1');
  expect(text(encrypted!)).not.toContain('+15551230001');
  expect(text(encrypted!)).not.toContain('json/plain');
  const [decoded] = await codec.decode([encrypted!]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  // A fresh IV each time: the same payload never encrypts to the same bytes.
  const [again] = await codec.encode([plain()]);
  expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted!.data!))).toBe(false);
});

test('rotation: after k2 becomes current, payloads written with k1 still decode; new ones use k2', async () => {
  const before = new EncryptionCodec(keyRing('k1', { k1: KEY_1 }, 'test'));
  const [old] = await before.encode([plain()]);
  const after = new EncryptionCodec(keyRing('k2', { k1: KEY_1, k2: KEY_2 }, 'test'));
  const [fresh] = await after.encode([plain()]);
  expect(Buffer.from(fresh!.metadata![METADATA_KEY_ID]!).toString()).toBe('k2');
  const decoded = await after.decode([old!, fresh!]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([input, input]);
});

test('a payload whose key left the ring fails naming the key ID, never with garbage', async () => {
  const [old] = await new EncryptionCodec(keyRing('k1', { k1: KEY_1 }, 'test')).encode([plain()]);
  const withoutK1 = new EncryptionCodec(keyRing('k2', { k2: KEY_2 }, 'test'));
  const failure = withoutK1.decode([old!]);
  await expect(failure).rejects.toThrow(MissingEncryptionKeyError);
  await expect(failure).rejects.toThrow(
    'a payload is encrypted with key "k1", which is not in the key ring (it holds k2): give this ' +
      'process that key in ORCHESTRATOR_ENCRYPTION_KEYS or ORCHESTRATOR_ENCRYPTION_KEY_FILE, or, with ' +
      "neither set, in the state folder's encryption-keys.json (.local/ or ORCHESTRATOR_STATE_DIR",
  );
});

test('a tampered payload is refused: any flipped byte, a truncation, or another key under the same ID', async () => {
  const codec = new EncryptionCodec(keyRing('k1', { k1: KEY_1 }, 'test'));
  const [encrypted] = await codec.encode([plain()]);
  const data = Buffer.from(encrypted!.data!);
  for (const index of [0, 12, Math.floor(data.length / 2), data.length - 1]) {
    const flipped = Buffer.from(data);
    flipped[index] = flipped[index]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
  }
  await expect(codec.decode([{ ...encrypted!, data: data.subarray(0, 20) }])).rejects.toThrow(
    /key "k1" failed authentication/,
  );
  const impostor = new EncryptionCodec(keyRing('k1', { k1: KEY_2 }, 'test'));
  await expect(impostor.decode([encrypted!])).rejects.toThrow(PayloadDecryptionError);
});

test('relabelling a payload with another key ID fails authentication (the ID is authenticated data)', async () => {
  const codec = new EncryptionCodec(keyRing('k1', { k1: KEY_1, k2: KEY_1 }, 'test'));
  const [encrypted] = await codec.encode([plain()]);
  const relabelled = {
    ...encrypted!,
    metadata: { ...encrypted!.metadata, [METADATA_KEY_ID]: Buffer.from('k2') },
  };
  await expect(codec.decode([relabelled])).rejects.toThrow(/key "k2" failed authentication/);
});

test('payloads that were never encrypted pass through decode unchanged', async () => {
  const codec = new EncryptionCodec(keyRing('k1', { k1: KEY_1 }, 'test'));
  const [decoded] = await codec.decode([plain()]);
  expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
});
