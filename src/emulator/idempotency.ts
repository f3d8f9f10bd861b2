import { canonicalJson } from '../common/canonical-json';
import type { EmulatorClock } from './clock';
import { badRequest, unprocessable } from './errors';
import type { ApiReply, Handler } from './router';

export const IDEMPOTENCY_KEY_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** How long a key is remembered (emulator clock). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

interface RememberedReply {
  /** Method, path and canonical body of the first request. */
  fingerprint: string;
  reply: ApiReply;
  storedAt: number;
}

/**
 * `Idempotency-Key` as the docs describe it: within 24 hours, the same key with the same request
 * returns the original 202 and starts nothing; the same key with a different request is 422; a
 * key that is not a UUID is 400. Keys are account-wide (the emulator has one account).
 */
export class IdempotencyKeys {
  private readonly replies = new Map<string, RememberedReply>();

  constructor(private readonly clock: EmulatorClock) {}

  /** Wraps the handler of an endpoint that accepts `Idempotency-Key`. */
  wrap(handler: Handler): Handler {
    return (request) => {
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string') return handler(request);
      if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
        throw badRequest('Idempotency-Key: must be a UUID (8-4-4-4-12 hexadecimal digits)');
      }
      const fingerprint = `${request.method} ${request.path} ${canonicalJson(request.body)}`;
      const remembered = this.lookup(key);
      if (remembered) {
        if (remembered.fingerprint !== fingerprint) {
          throw unprocessable(
            'Idempotency-Key: this key was already used within 24 hours for a different request ' +
              `(${remembered.fingerprint.split(' ', 2).join(' ')} with another body); use a new key`,
          );
        }
        return remembered.reply;
      }
      const reply = handler(request);
      if (reply.status === 202) this.replies.set(key, { fingerprint, reply, storedAt: this.clock.now() });
      return reply;
    };
  }

  clear(): void {
    this.replies.clear();
  }

  private lookup(key: string): RememberedReply | undefined {
    const remembered = this.replies.get(key);
    if (remembered && this.clock.now() - remembered.storedAt >= IDEMPOTENCY_TTL_MS) {
      this.replies.delete(key);
      return undefined;
    }
    return remembered;
  }
}
