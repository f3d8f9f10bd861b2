/**
 * A fleet's plan: what applying the spec would change on the account, resource by resource and
 * field by field. Pure and deterministic (no I/O, no clock): the library, the CLI and the fleet
 * workflows compute the same plan from the same spec, live state and fleet state.
 *
 * - Stores are found by display name (unique per account): missing → create; present but not
 *   this fleet's → adopt; this fleet's → nothing.
 * - A tenant is its configuration: the one this fleet manages for it (by ID, so a renamed
 *   configuration is an update of its name), else the one of its name on its store. Missing →
 *   create (with its onboarding, unless it was onboarded before); present but not this fleet's →
 *   adopt, with the fields the spec sets differently; this fleet's → update those fields, or
 *   nothing. A field the spec leaves out is not compared: an update sets fields, never unsets one.
 * - With `prune`: what this fleet manages (`state`) and the spec no longer names → delete;
 *   never a resource made elsewhere, never one a tenant of the spec claims.
 */
import { MAX_STORES_PER_ACCOUNT } from '../../api/field-rules';
import { applyPatch } from '../configuration-patch';
import type {
  FleetPlan,
  FleetSpec,
  FleetState,
  FleetTenantSpec,
  LiveConfiguration,
  LiveState,
  LiveStore,
  PlanItem,
  PlanSummary,
} from './definitions';

export interface PlanOptions {
  /** Plan deletions of what this fleet manages and the spec no longer names. @default false */
  prune?: boolean;
  /** SHA-256 of the spec's canonical JSON, computed by the caller (workflows have no crypto). */
  specDigest: string;
}

/** A spec that cannot be applied to this account as it stands; the message says what to change. */
export class FleetPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetPlanError';
  }
}

type TenantItem = Extract<PlanItem, { kind: 'tenant' }>;

export function planFleet(
  spec: FleetSpec,
  live: LiveState,
  state: FleetState | undefined,
  { prune = false, specDigest }: PlanOptions,
): FleetPlan {
  const summary: PlanSummary = { create: 0, update: 0, adopt: 0, delete: 0, unchanged: 0 };
  const notes: string[] = [];
  const storeByName = new Map(live.stores.map((store) => [store.displayName, store]));

  const storeItems = planStores(spec, storeByName, state, summary);
  const tenantItems = spec.tenants.map((tenant, index) =>
    planTenant(tenant, index, storeByName.get(tenant.store), live, state),
  );
  for (const item of tenantItems) {
    if (item === undefined) summary.unchanged += 1;
    else summary[item.action] += 1;
  }
  const items: PlanItem[] = [
    ...storeItems,
    ...tenantItems.filter((item): item is TenantItem => item !== undefined),
  ];
  if (prune && state) {
    const deletions = planDeletions(spec, live, state, tenantItems, notes);
    summary.delete += deletions.length;
    items.push(...deletions);
  }
  return { fleet: spec.name, specDigest, items, summary, ...(notes.length > 0 ? { notes } : {}) };
}

function planStores(
  spec: FleetSpec,
  storeByName: ReadonlyMap<string, LiveStore>,
  state: FleetState | undefined,
  summary: PlanSummary,
): PlanItem[] {
  const items: PlanItem[] = [];
  const creating: string[] = [];
  for (const { displayName, description } of spec.stores) {
    const existing = storeByName.get(displayName);
    if (existing === undefined) {
      items.push({
        kind: 'store',
        action: 'create',
        displayName,
        ...(description === undefined ? {} : { description }),
      });
      creating.push(displayName);
      summary.create += 1;
    } else if (state?.stores[displayName]?.id !== existing.id) {
      items.push({ kind: 'store', action: 'adopt', displayName, storeId: existing.id });
      summary.adopt += 1;
    } else summary.unchanged += 1;
  }
  // Deletions come last, after every create: they free no room for the creates before them.
  if (storeByName.size + creating.length > MAX_STORES_PER_ACCOUNT) {
    throw new FleetPlanError(
      `the spec creates ${creating.length} stores (${creating.join(', ')}) and the account already ` +
        `holds ${storeByName.size}: an account holds at most ${MAX_STORES_PER_ACCOUNT} memory stores. ` +
        'Put tenants on stores that exist, or delete stores no longer in use first',
    );
  }
  return items;
}

/** The tenant's item, or undefined when it is as the spec says. */
function planTenant(
  tenant: FleetTenantSpec,
  index: number,
  store: LiveStore | undefined,
  live: LiveState,
  state: FleetState | undefined,
): TenantItem | undefined {
  const managed = state?.tenants[tenant.id];
  const mine = managed && live.configurations.find((found) => found.id === managed.configurationId);
  if (mine && mine.storeId !== store?.id) {
    throw new FleetPlanError(
      `tenants[${index}] (${tenant.id}): its configuration ${mine.id} is on store ${mine.storeId}, and the ` +
        `spec puts it on ${tenant.store}: a configuration cannot move between stores. Give the tenant ` +
        'a new id to make it anew on the other store (prune removes the old one)',
    );
  }
  const create = (): TenantItem => ({
    kind: 'tenant',
    action: 'create',
    tenantId: tenant.id,
    store: tenant.store,
    configuration: tenant.configuration,
    // Sent once, when the tenant is first created: a tenant made again after it vanished is not re-onboarded.
    ...(tenant.onboarding && !managed?.onboarded ? { onboarding: tenant.onboarding } : {}),
  });
  if (store === undefined) return create();
  const current = mine ?? namesake(tenant, index, store, live.configurations);
  if (current === undefined) return create();

  const { changes } = applyPatch(current.fields, tenant.configuration);
  const target = {
    kind: 'tenant',
    tenantId: tenant.id,
    storeId: store.id,
    configurationId: current.id,
    version: current.version,
    changes,
    configuration: tenant.configuration,
  } as const;
  if (current !== mine) return { ...target, action: 'adopt' };
  return changes.length > 0 ? { ...target, action: 'update' } : undefined;
}

/** The configuration of the tenant's name on its store; more than one cannot be told apart. */
function namesake(
  tenant: FleetTenantSpec,
  index: number,
  store: LiveStore,
  configurations: readonly LiveConfiguration[],
): LiveConfiguration | undefined {
  const { displayName } = tenant.configuration;
  const found = configurations.filter(
    (configuration) => configuration.storeId === store.id && configuration.displayName === displayName,
  );
  if (found.length > 1) {
    throw new FleetPlanError(
      `tenants[${index}] (${tenant.id}): store ${store.displayName} holds ${found.length} configurations ` +
        `named "${displayName}" (${found.map((configuration) => configuration.id).join(', ')}): ` +
        'delete all but one, or rename them, so the tenant names one',
    );
  }
  return found[0];
}

/**
 * Managed tenants, then managed stores, that the spec no longer names. A tenant whose
 * configuration is gone already is still listed (its delete finds it gone, and the fleet forgets
 * it); a store is kept while it holds a configuration this plan does not delete.
 */
function planDeletions(
  spec: FleetSpec,
  live: LiveState,
  state: FleetState,
  tenantItems: readonly (TenantItem | undefined)[],
  notes: string[],
): PlanItem[] {
  const inSpec = new Set(spec.tenants.map((tenant) => tenant.id));
  // A configuration a tenant of the spec adopts is that tenant's now, whoever managed it before.
  const claimed = new Set(
    tenantItems.flatMap((item) => (item && 'configurationId' in item ? [item.configurationId] : [])),
  );
  for (const [tenantId, managed] of Object.entries(state.tenants)) {
    if (inSpec.has(tenantId)) claimed.add(managed.configurationId);
  }
  const items: PlanItem[] = [];
  const deleted = new Set<string>();
  for (const [tenantId, managed] of Object.entries(state.tenants)) {
    if (inSpec.has(tenantId) || claimed.has(managed.configurationId)) continue;
    items.push({
      kind: 'tenant',
      action: 'delete',
      tenantId,
      storeId: managed.storeId,
      configurationId: managed.configurationId,
    });
    deleted.add(managed.configurationId);
  }

  const specStores = new Set(spec.stores.map((store) => store.displayName));
  for (const [displayName, { id: storeId }] of Object.entries(state.stores)) {
    if (specStores.has(displayName)) continue;
    const kept = live.configurations.filter(
      (configuration) => configuration.storeId === storeId && !deleted.has(configuration.id),
    );
    if (kept.length > 0) {
      notes.push(
        `store ${displayName} (${storeId}) is not deleted: it still holds ` +
          `${kept.map((configuration) => `${configuration.displayName} (${configuration.id})`).join(', ')}`,
      );
      continue;
    }
    items.push({ kind: 'store', action: 'delete', displayName, storeId });
  }
  return items;
}
