/**
 * Connecting to Temporal within a bound. The SDK's own connect gives up only after about 30 s on
 * a server that accepts connections and never answers; a person at a terminal, or a worker being
 * deployed, learns sooner that the address is wrong.
 */
import { NativeConnection, TransportError, type NativeConnectionOptions } from '@temporalio/worker';

/**
 * How long a connection may take before Temporal counts as unreachable: a third of the SDK's own
 * limit, with room for a TLS handshake to a distant cluster from a busy machine.
 */
export const CONNECT_TIMEOUT_MS = 10_000;
/** What the SDK connects to when no address is configured. */
export const DEFAULT_ADDRESS = 'localhost:7233';

/** No Temporal server answered at `address`: `reason` says how it failed (refused, timed out, ...). */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';

  constructor(
    readonly address: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot reach Temporal at ${address}: ${reason}`, options);
  }
}

/**
 * `NativeConnection.connect`, failing with `TemporalUnreachableError` when the connection fails
 * or takes longer than `timeoutMs`. A connection that completes after the bound is closed.
 */
export async function connectWithin(
  options: NativeConnectionOptions,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<NativeConnection> {
  const address = options.address ?? DEFAULT_ADDRESS;
  const connecting = NativeConnection.connect(options);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TemporalUnreachableError(address, `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([connecting, timedOut]);
  } catch (err) {
    connecting.then((late) => late.close(), ignore).catch(ignore);
    if (err instanceof TransportError) {
      throw new TemporalUnreachableError(address, transportReason(err.message), { cause: err });
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function ignore(): void {}

/**
 * The human part of the core's transport error, e.g. `Connection refused` out of
 * `tonic::transport::Error(... Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })`.
 */
function transportReason(message: string): string {
  const quoted = [...message.matchAll(/message: "([^"]+)"/g)].map((match) => match[1]!);
  return quoted.at(-1) ?? message.split('\n')[0]!.slice(0, 300);
}
