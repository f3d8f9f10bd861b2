/**
 * Specs, live states and fleet states for the fleet's pure modules: small, valid, and changed
 * by the test that needs something else.
 */
import type {
  FleetSpec,
  FleetState,
  FleetTenantSpec,
  LiveConfiguration,
  LiveState,
  ManagedTenant,
} from '../../src/workflows/fleet/definitions';

/** IDs in the API's shapes. */
export const storeId = (n: number) => `mem_store_0${String(n).padStart(25, '0')}`;
export const configurationId = (n: number) => `conv_configuration_${String(n).padStart(26, '0')}`;

export function tenant(id: string, store = 'eu', overrides: Partial<FleetTenantSpec> = {}): FleetTenantSpec {
  return {
    id,
    store,
    configuration: { displayName: `${id} support`, description: `Support line of ${id}` },
    ...overrides,
  };
}

/** Two stores (eu, us) and three tenants: acme and globex on eu, initech on us. */
export function fleetSpec(overrides: Partial<FleetSpec> = {}): FleetSpec {
  return {
    name: 'shop',
    stores: [
      { displayName: 'eu', description: 'Tenants in Europe' },
      { displayName: 'us', description: 'Tenants in America' },
    ],
    tenants: [tenant('acme'), tenant('globex'), tenant('initech', 'us')],
    ...overrides,
  };
}

/** A configuration as the account holds it after a create of `spec` (the grouping the API fills in). */
export function liveConfiguration(
  spec: FleetTenantSpec,
  id: string,
  storeIdValue: string,
  version = 1,
): LiveConfiguration {
  return {
    id,
    storeId: storeIdValue,
    displayName: spec.configuration.displayName,
    version,
    fields: {
      conversationGroupingType: 'GROUP_BY_PARTICIPANT_ADDRESSES',
      ...spec.configuration,
      memoryStoreId: storeIdValue,
    },
  };
}

/** The account and the fleet's memory after `spec` was applied: store n+1 per store, configuration n+1 per tenant. */
export function applied(spec: FleetSpec): { live: LiveState; state: FleetState } {
  const stores = spec.stores.map((store, index) => ({ ...store, id: storeId(index + 1) }));
  const storeIdOf = (name: string) => stores.find((store) => store.displayName === name)!.id;
  const configurations = spec.tenants.map((t, index) =>
    liveConfiguration(t, configurationId(index + 1), storeIdOf(t.store)),
  );
  const tenants: Record<string, ManagedTenant> = {};
  spec.tenants.forEach((t, index) => {
    const configuration = configurations[index]!;
    tenants[t.id] = {
      storeId: configuration.storeId,
      configurationId: configuration.id,
      applied: structuredClone(configuration.fields),
      version: configuration.version,
      onboarded: t.onboarding !== undefined,
    };
  });
  return {
    live: { stores, configurations },
    state: {
      name: spec.name,
      stores: Object.fromEntries(stores.map((store) => [store.displayName, { id: store.id }])),
      tenants,
    },
  };
}
