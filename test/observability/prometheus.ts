/** Reading a Prometheus endpoint in tests: a port to bind it to, scraping, summing samples. */
import { createServer } from 'node:net';

/** A port nothing listens on now (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET /metrics until `ready` holds (at most ten seconds). */
export async function scrapeUntil(url: string, ready: (text: string) => boolean): Promise<string> {
  let text = '';
  for (let attempt = 0; attempt < 50; attempt += 1) {
    text = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then((response) => response.text());
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never showed what the test waits for:\n${text}`);
}

/** The sum of a metric's samples whose labels include `labels` (Prometheus text format). */
export function sum(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>();
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      found.set(key!, value!);
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) total += Number(match[3]);
  }
  return total;
}
