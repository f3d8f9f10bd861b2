import { OpenResources } from '../../src/cli/open-resources';

test('closes last opened first, goes on past a failure to close, and reports it by name', async () => {
  const closed: string[] = [];
  const failures: [string, unknown][] = [];
  const resource = (name: string, failure?: Error) => ({
    close: () => {
      closed.push(name);
      return failure ? Promise.reject(failure) : Promise.resolve();
    },
  });
  const resources = new OpenResources();
  const server = resource('server');
  expect(resources.add('the server', server)).toBe(server);
  resources.add('the connection', resource('connection', new Error('still in use')));
  resources.add('the worker', resource('worker'));

  await resources.closeAll((name, error) => failures.push([name, error]));

  expect(closed).toEqual(['worker', 'connection', 'server']);
  expect(failures).toEqual([['the connection', new Error('still in use')]]);
  // Each is closed once: a second call finds nothing left.
  await resources.closeAll(() => {});
  expect(closed).toHaveLength(3);
});
