/**
 * A real HTTP server on a free local port whose every answer a test scripts: resets, silence,
 * malformed bodies. Records what it received so tests can check what the client sent.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: requests with the same one came over the same connection. */
  remotePort: number | undefined;
}

export type ScriptedHandler = (request: ReceivedRequest, response: ServerResponse) => void;

export interface ScriptedServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Replaces the handler for the following requests. */
  handle(handler: ScriptedHandler): void;
  close(): Promise<void>;
}

export async function startScriptedServer(handler: ScriptedHandler = notFound): Promise<ScriptedServer> {
  let current = handler;
  const received: ReceivedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: incoming.socket.remotePort,
      };
      received.push(request);
      current(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    handle: (next) => {
      current = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function notFound(_request: ReceivedRequest, response: ServerResponse): void {
  sendJson(response, 404, { code: 20404, message: 'Not found', status: 404 });
}
