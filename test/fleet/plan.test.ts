import type { FleetState, LiveState } from '../../src/workflows/fleet/definitions';
import type { Onboarding } from '../../src/workflows/provision-input';
import { FleetPlanError, planFleet } from '../../src/workflows/fleet/plan';
import { applied, configurationId, fleetSpec, liveConfiguration, storeId, tenant } from './spec-fixtures';

const DIGEST = 'sha256:spec';
const EMPTY: LiveState = { stores: [], configurations: [] };
const onboarding: Onboarding = {
  conversation: { name: 'Welcome' },
  message: {
    from: { address: '+15559870001', channel: 'SMS' },
    to: [{ address: '+15551230001', channel: 'SMS' }],
    text: 'Hi',
  },
};

/** What each item does, in order, as one line: easy to read in a failure. */
function lines(plan: ReturnType<typeof planFleet>): string[] {
  return plan.items.map((item) => {
    const name = item.kind === 'store' ? item.displayName : item.tenantId;
    const changes =
      'changes' in item
        ? item.changes.map((c) => ` ${c.field}: ${String(c.before)} → ${String(c.after)}`)
        : [];
    return `${item.action} ${item.kind} ${name}${changes.join(',')}`;
  });
}

test('on an empty account everything is created: stores first, then tenants in spec order, with their onboarding', () => {
  const spec = fleetSpec({
    tenants: [tenant('acme', 'eu', { onboarding }), tenant('globex'), tenant('initech', 'us')],
  });
  const plan = planFleet(spec, EMPTY, undefined, { specDigest: DIGEST });
  expect(lines(plan)).toEqual([
    'create store eu',
    'create store us',
    'create tenant acme',
    'create tenant globex',
    'create tenant initech',
  ]);
  expect(plan).toMatchObject({ fleet: 'shop', specDigest: DIGEST });
  expect(plan.summary).toEqual({ create: 5, update: 0, adopt: 0, delete: 0, unchanged: 0 });
  expect(plan.items[0]).toEqual({
    kind: 'store',
    action: 'create',
    displayName: 'eu',
    description: 'Tenants in Europe',
  });
  expect(plan.items[2]).toEqual({
    kind: 'tenant',
    action: 'create',
    tenantId: 'acme',
    store: 'eu',
    configuration: spec.tenants[0]!.configuration,
    onboarding,
  });
  expect(plan.items[3]).not.toHaveProperty('onboarding');
  expect(plan).not.toHaveProperty('notes');
});

test('after an apply the plan is empty, also with prune', () => {
  const spec = fleetSpec();
  const { live, state } = applied(spec);
  for (const prune of [false, true]) {
    const plan = planFleet(spec, live, state, { prune, specDigest: DIGEST });
    expect(plan.items).toEqual([]);
    expect(plan.summary).toEqual({ create: 0, update: 0, adopt: 0, delete: 0, unchanged: 5 });
  }
});

test('an out-of-band edit of a field the spec sets is an update naming the field, old → new', () => {
  const spec = fleetSpec();
  const { live, state } = applied(spec);
  const edited = live.configurations[1]!;
  edited.version = 4;
  edited.fields = { ...edited.fields, description: 'Edited in the console', memoryExtractionEnabled: true };
  const plan = planFleet(spec, live, state, { specDigest: DIGEST });
  // memoryExtractionEnabled is not in the spec: not compared (an update sets fields, never unsets one).
  expect(lines(plan)).toEqual([
    'update tenant globex description: Edited in the console → Support line of globex',
  ]);
  expect(plan.items[0]).toMatchObject({
    storeId: storeId(1),
    configurationId: configurationId(2),
    version: 4,
  });
  expect(plan.summary).toEqual({ create: 0, update: 1, adopt: 0, delete: 0, unchanged: 4 });
});

test('a change in the spec is an update; a renamed configuration is found by its ID, not made again', () => {
  const before = fleetSpec();
  const { live, state } = applied(before);
  const spec = fleetSpec({
    tenants: [
      tenant('acme', 'eu', {
        configuration: { displayName: 'acme help', description: 'Support line of acme' },
      }),
      tenant('globex', 'eu', {
        configuration: { ...before.tenants[1]!.configuration, memoryExtractionEnabled: true },
      }),
      before.tenants[2]!,
    ],
  });
  expect(lines(planFleet(spec, live, state, { specDigest: DIGEST }))).toEqual([
    'update tenant acme displayName: acme support → acme help',
    'update tenant globex memoryExtractionEnabled: null → true',
  ]);
});

test('a store and a configuration made elsewhere are adopted, not duplicated', () => {
  const spec = fleetSpec();
  const euStore = { id: storeId(7), displayName: 'eu' };
  const acme = liveConfiguration(spec.tenants[0]!, configurationId(7), euStore.id, 3);
  acme.fields = { ...acme.fields, description: 'Made by hand' };
  const plan = planFleet(spec, { stores: [euStore], configurations: [acme] }, undefined, {
    specDigest: DIGEST,
  });
  expect(lines(plan)).toEqual([
    'adopt store eu',
    'create store us',
    'adopt tenant acme description: Made by hand → Support line of acme',
    'create tenant globex',
    'create tenant initech',
  ]);
  expect(plan.items[0]).toEqual({ kind: 'store', action: 'adopt', displayName: 'eu', storeId: storeId(7) });
  expect(plan.items[2]).toMatchObject({
    configurationId: configurationId(7),
    storeId: storeId(7),
    version: 3,
  });
  expect(plan.summary).toEqual({ create: 3, update: 0, adopt: 2, delete: 0, unchanged: 0 });
});

test('prune deletes only what the fleet manages: tenants before stores, never what was made elsewhere', () => {
  const spec = fleetSpec({ stores: [fleetSpec().stores[0]!], tenants: [tenant('acme')] });
  const { live, state } = applied(fleetSpec());
  // Made elsewhere: a store and a configuration on the fleet's eu store.
  live.stores.push({ id: storeId(9), displayName: 'elsewhere' });
  const foreign = liveConfiguration(tenant('foreign'), configurationId(9), storeId(1));
  live.configurations.push(foreign);
  expect(lines(planFleet(spec, live, state, { specDigest: DIGEST }))).toEqual([]);
  const plan = planFleet(spec, live, state, { prune: true, specDigest: DIGEST });
  expect(lines(plan)).toEqual(['delete tenant globex', 'delete tenant initech', 'delete store us']);
  expect(plan.items).toContainEqual({
    kind: 'tenant',
    action: 'delete',
    tenantId: 'initech',
    storeId: storeId(2),
    configurationId: configurationId(3),
  });
  expect(plan.summary).toEqual({ create: 0, update: 0, adopt: 0, delete: 3, unchanged: 2 });
});

test('prune keeps a managed store that holds a configuration it does not delete, and says why', () => {
  const { live, state } = applied(fleetSpec());
  const spec = fleetSpec({ stores: [fleetSpec().stores[0]!], tenants: [tenant('acme'), tenant('globex')] });
  live.configurations.push(liveConfiguration(tenant('foreign'), configurationId(9), storeId(2)));
  const plan = planFleet(spec, live, state, { prune: true, specDigest: DIGEST });
  expect(lines(plan)).toEqual(['delete tenant initech']);
  expect(plan.notes).toEqual([
    `store us (${storeId(2)}) is not deleted: it still holds foreign support (${configurationId(9)})`,
  ]);
});

test('prune never deletes a configuration a tenant of the spec claims (a tenant given a new id adopts its namesake)', () => {
  const { live, state } = applied(fleetSpec());
  const spec = fleetSpec({
    tenants: [
      tenant('acme-corp', 'eu', { configuration: fleetSpec().tenants[0]!.configuration }),
      tenant('globex'),
      tenant('initech', 'us'),
    ],
  });
  const plan = planFleet(spec, live, state, { prune: true, specDigest: DIGEST });
  expect(lines(plan)).toEqual(['adopt tenant acme-corp']);
});

test('a managed configuration gone from the account is made again, without its onboarding a second time', () => {
  const spec = fleetSpec({
    tenants: [tenant('acme', 'eu', { onboarding }), tenant('globex', 'eu', { onboarding })],
  });
  const { live, state } = applied(spec);
  state.tenants['globex']!.onboarded = false;
  live.configurations = [];
  const plan = planFleet(spec, live, state, { specDigest: DIGEST });
  expect(lines(plan)).toEqual(['create tenant acme', 'create tenant globex']);
  expect(plan.items[0]).not.toHaveProperty('onboarding');
  expect(plan.items[1]).toHaveProperty('onboarding', onboarding);
});

test('stores the spec creates over what the account already holds are refused before anything', () => {
  const others = Array.from({ length: 14 }, (_, n) => ({ id: storeId(20 + n), displayName: `other-${n}` }));
  const plan = () =>
    planFleet(fleetSpec(), { stores: others, configurations: [] }, undefined, { specDigest: DIGEST });
  expect(plan).toThrow(FleetPlanError);
  expect(plan).toThrow(
    'the spec creates 2 stores (eu, us) and the account already holds 14: an account holds at most 15 memory stores',
  );
  const room = { stores: others.slice(1), configurations: [] };
  expect(planFleet(fleetSpec(), room, undefined, { specDigest: DIGEST }).summary.create).toBe(5);
});

test('a tenant moved to another store, or two namesakes on its store, are refused naming them', () => {
  const { live, state } = applied(fleetSpec());
  const moved = fleetSpec({ tenants: [tenant('acme', 'us')] });
  expect(() => planFleet(moved, live, state, { specDigest: DIGEST })).toThrow(
    `tenants[0] (acme): its configuration ${configurationId(1)} is on store ${storeId(1)}, and the spec puts it on us`,
  );
  const twin = liveConfiguration(tenant('acme'), configurationId(8), storeId(1));
  const namesakes = { ...live, configurations: [...live.configurations, twin] };
  const fresh: FleetState = { name: 'shop', stores: {}, tenants: {} };
  expect(() => planFleet(fleetSpec(), namesakes, fresh, { specDigest: DIGEST })).toThrow(
    `tenants[0] (acme): store eu holds 2 configurations named "acme support" (${configurationId(1)}, ${configurationId(8)})`,
  );
});
