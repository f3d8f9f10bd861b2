/**
 * The request log (`logRequests`, `--log`) says what happened to each request: a response a fault
 * dropped after the request was applied is logged as dropped, never as the 200/202 it never sent.
 */
import { INSTANT, STORE_PATH, start, uniqueName } from './support';

/** Runs `body` against an emulator logging requests; returns the stderr lines it wrote. */
async function logOf(body: (api: Awaited<ReturnType<typeof start>>) => Promise<void>): Promise<string[]> {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const started = await start({ ...INSTANT, logRequests: true });
  try {
    await body(started);
  } finally {
    await started.emulator.close();
    write.mockRestore();
  }
  return chunks.join('').split('\n').filter(Boolean);
}

describe('request log', () => {
  it('marks a response dropped after the request was applied as dropped, not 202', async () => {
    const lines = await logOf(async ({ emulator, api }) => {
      emulator.addFault({ kind: 'accept-then-drop', times: 1 });
      await expect(api.post(STORE_PATH, { displayName: uniqueName() })).rejects.toThrow();
      // Applied all the same: the store exists.
      expect(emulator.summary().stores).toBe(1);
      expect((await api.post(STORE_PATH, { displayName: uniqueName() })).status).toBe(202);
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^POST \/v1\/ControlPlane\/Stores -> dropped after applying \(\d+\.\d ms\)$/);
    expect(lines[1]).toMatch(/^POST \/v1\/ControlPlane\/Stores -> 202 \(\d+\.\d ms\)$/);
  });

  it('marks a reset as not applied', async () => {
    const lines = await logOf(async ({ emulator, api }) => {
      emulator.addFault({ kind: 'reset', times: 1, match: { method: 'GET' } });
      await expect(api.get(STORE_PATH)).rejects.toThrow();
    });
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/v1\/ControlPlane\/Stores -> reset, not applied \(/),
    ]);
  });
});
