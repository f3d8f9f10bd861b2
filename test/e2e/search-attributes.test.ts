/**
 * `npm start` against a cluster of one's own (TEMPORAL_ADDRESS) registers the provisioning's
 * search attributes when the namespace lacks them: checked on a dev server started without.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/workflows/definitions';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await TestWorkflowEnvironment.createLocal({
    server: { executable: resolveTemporalBinary('cli').executable },
  });
});
afterAll(() => testEnv?.teardown());

async function customAttributeNames(): Promise<string[]> {
  const { customAttributes } = await testEnv.connection.operatorService.listSearchAttributes({
    namespace: 'default',
  });
  return Object.keys(customAttributes);
}

test('missing search attributes are registered, and a second call changes nothing', async () => {
  const names = SEARCH_ATTRIBUTE_KEYS.map((key) => key.name);
  expect(await customAttributeNames()).not.toEqual(expect.arrayContaining(names));

  await ensureSearchAttributes(testEnv.nativeConnection, 'default');
  expect(await customAttributeNames()).toEqual(expect.arrayContaining(names));

  await expect(ensureSearchAttributes(testEnv.nativeConnection, 'default')).resolves.toBeUndefined();
});
