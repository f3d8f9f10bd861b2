import { randomUUID } from 'node:crypto';
import { maxPollsBeforeDeadline } from '../../src/workflows/polling-policy';
import { LISTING_POLICY } from '../../src/workflows/resolve-configuration-id';
import { provisionInput } from '../support/inputs';
import {
  applicationFailureOf,
  createConfigurationDirectly,
  createStoreDirectly,
  failed,
  provision,
  succeeded,
  withApiOverrides,
  type Rig,
  useTestBed,
} from './support';

const bed = useTestBed();

/** Neither the 202 nor the operation names the configuration: only a listing can find it. */
const NO_ID_FROM_OPERATION = { configurationRelatedId: false, configurationResultId: false };
const LIST_CALLS = 'GET /v2/ControlPlane/Configurations';

test('without related.configurationId, the operation result.id is used', async () => {
  const { outcome, summary } = await provision(
    bed,
    { configurationRelatedId: false, configurationResultId: true },
    provisionInput(),
  );
  const result = succeeded(outcome);
  expect(result.configurationIdResolvedBy).toBe('result');
  expect(result.ids.configurationId).toMatch(/^conv_configuration_/);
  expect(summary.requests[LIST_CALLS]).toBeUndefined();
});

test('without related or result ID, the configuration is found by listing the store across pages', async () => {
  let others: string[] = [];
  const { outcome, summary } = await provision(bed, {}, async (rig: Rig) => {
    const existingStoreId = await createStoreDirectly(rig, `crowded-${randomUUID().slice(0, 8)}`);
    // 1,050 configurations of the same store: two pages at the API's largest page size, 1,000.
    others = [];
    for (let batch = 0; batch < 1_050; batch += 50) {
      const names = Array.from({ length: 50 }, (_, i) => `other ${batch + i}`);
      others.push(
        ...(await Promise.all(names.map((name) => createConfigurationDirectly(rig, existingStoreId, name)))),
      );
    }
    rig.emulator.configure(NO_ID_FROM_OPERATION);
    return provisionInput({ memoryStore: { existingStoreId } });
  });
  const result = succeeded(outcome);

  expect(result.configurationIdResolvedBy).toBe('list');
  expect(others).toHaveLength(1_050);
  expect(others).not.toContain(result.ids.configurationId);
  expect(result.steps['resolve-configuration-id'].polls).toBe(1);
  // Two pages looked through before creating (the store existed before the run), two after.
  expect(summary.requests[LIST_CALLS]).toBe(4);
  expect(summary.configurations).toBe(1_051);
});

test('a configuration not listed yet is listed again with backoff until it appears', async () => {
  const { outcome, summary } = await provision(
    bed,
    { ...NO_ID_FROM_OPERATION, listingDelayReads: 3 },
    provisionInput(),
  );
  const result = succeeded(outcome);

  expect(result.configurationIdResolvedBy).toBe('list');
  expect(result.steps['resolve-configuration-id'].polls).toBe(4);
  // Waits of at least 1 s, 2 s and 4 s (minus jitter) between the four list calls.
  expect(result.steps['resolve-configuration-id'].elapsedMs).toBeGreaterThanOrEqual(0.8 * 7_000);
  expect(summary.requests[LIST_CALLS]).toBe(4);
  expect(summary.configurations).toBe(1);
});

test('a configuration that never appears fails after the bounded listing, naming its operation', async () => {
  const input = provisionInput();
  const { outcome, summary } = await provision(
    bed,
    { ...NO_ID_FROM_OPERATION, listingDelayReads: 1_000 },
    input,
  );
  const failure = applicationFailureOf(failed(outcome), 'workflow');

  expect(failure.type).toBe('OperationDeadlineExceeded');
  expect(failure.message).toMatch(
    /^listing of configuration "[^"]+" \(store mem_store_\w+\) created by operation \w+ still NOT_LISTED after the 2m deadline/,
  );
  expect(failure.message).toContain(`"${input.configuration.displayName}"`);
  expect(summary.requests[LIST_CALLS]).toBeLessThanOrEqual(maxPollsBeforeDeadline(LISTING_POLICY));
  expect(summary.requests[LIST_CALLS]).toBeGreaterThan(3);
});

test('a namesake created at the same moment makes the listing ambiguous: a non-retryable failure naming both', async () => {
  let namesake = '';
  const input = provisionInput();
  const { outcome } = await provision(
    bed,
    {
      ...NO_ID_FROM_OPERATION,
      // Someone else creates a configuration of the same name on the store just before ours.
      interceptApi: (api) =>
        withApiOverrides(api, 'configurations', {
          create: async (body, options) => {
            namesake ||= await createConfigurationDirectly({ api }, body.memoryStoreId, body.displayName);
            return api.configurations.create(body, options);
          },
        }),
    },
    input,
  );
  const failure = applicationFailureOf(failed(outcome), 'workflow');

  expect(failure.type).toBe('AmbiguousConfiguration');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toMatch(
    new RegExp(
      `^2 configurations named "${input.configuration.displayName}" use store mem_store_\\w+ \\(.*${namesake}.*\\)`,
    ),
  );
  const [{ candidates }] = failure.details as [{ candidates: { id: string }[] }];
  expect(candidates.map((c) => c.id)).toContain(namesake);
  expect(candidates).toHaveLength(2);
});
