/**
 * The order and the waiting that make a failed set-up safe: `stopAll` waits for what is still
 * starting, stops newest first, stops what finishes starting late, and `startTogether` stops the
 * parts already started when a later part fails.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Resources, startTogether } from './resources';

/** Something that takes `ms` to start and logs its stop. */
function part(name: string, ms: number, log: string[]): Promise<string> {
  return delay(ms).then(() => {
    log.push(`started ${name}`);
    return name;
  });
}

test('stopAll waits for what is still starting, then stops everything newest first', async () => {
  const log: string[] = [];
  const resources = new Resources();
  const stop = (name: string) => log.push(`stopped ${name}`);
  await resources.start(part('server', 0, log), stop);
  const slow = resources.start(part('bundle', 50, log), stop);
  resources.add(() => log.push('stopped worker'));

  await resources.stopAll();

  expect(log).toEqual([
    'started server',
    'started bundle',
    'stopped bundle',
    'stopped worker',
    'stopped server',
  ]);
  // It finished starting after stopAll began: whoever awaited it learns it is already stopped.
  await expect(slow).rejects.toThrow('stopAll began while this was starting');
});

test('every stop runs even when some throw, and stopAll runs them once', async () => {
  const resources = new Resources();
  let stops = 0;
  resources.add(() => {
    stops += 1;
    throw new Error('first');
  });
  resources.add(() => {
    stops += 1;
    throw new Error('second');
  });

  await expect(resources.stopAll()).rejects.toThrow('2 resources failed to stop');
  await expect(resources.stopAll()).rejects.toThrow('2 resources failed to stop');
  expect(stops).toBe(2);
  expect(() => resources.add(() => undefined)).toThrow('add after stopAll ended');
});

test('startTogether stops the parts started when a later one fails, and rethrows that failure', async () => {
  const log: string[] = [];
  const failing = startTogether(async (resources) => {
    const [emulator] = await Promise.all([
      resources.start(part('emulator', 0, log), (name) => log.push(`stopped ${name}`)),
      resources.start(part('server', 30, log), (name) => log.push(`stopped ${name}`)),
      resources.start(delay(10).then(() => Promise.reject(new Error('bundling failed')))),
    ]);
    return emulator;
  });

  await expect(failing).rejects.toThrow('bundling failed');
  // The server was still starting when the bundle failed: it was awaited, then stopped.
  expect(log).toEqual(['started emulator', 'started server', 'stopped server', 'stopped emulator']);
});
