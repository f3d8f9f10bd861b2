/**
 * A saved plan is applied exactly or not at all: before an apply changes anything, each item is
 * checked against the account as it is now. A deletion is not checked: one whose target is gone
 * already ends as it would have (the plan lists such deletions on purpose, so the fleet forgets
 * them). Pure and deterministic (the workflow bundle imports it).
 */
import type { LiveState, PlanItem } from './definitions';

/** What moved since the plan was made, one line per item (`tenant t-1: version 3 → 4`); empty when it still holds. */
export function staleChanges(items: readonly PlanItem[], live: LiveState): string[] {
  const storesByName = new Map(live.stores.map((store) => [store.displayName, store]));
  const storeIds = new Set(live.stores.map((store) => store.id));
  const configurations = new Map(
    live.configurations.map((configuration) => [configuration.id, configuration]),
  );
  const changes: string[] = [];
  for (const item of items) {
    if (item.kind === 'store') {
      const found = storesByName.get(item.displayName);
      if (item.action === 'create' && found)
        changes.push(`store ${item.displayName}: exists now (${found.id})`);
      if (item.action === 'adopt' && !storeIds.has(item.storeId))
        changes.push(`store ${item.displayName}: gone (${item.storeId})`);
      continue;
    }
    if (item.action === 'delete') continue;
    if (item.action === 'create') {
      const storeId = storesByName.get(item.store)?.id;
      const { displayName } = item.configuration;
      const made = live.configurations.find((c) => c.storeId === storeId && c.displayName === displayName);
      if (made) changes.push(`tenant ${item.tenantId}: exists now (${made.id})`);
      continue;
    }
    const current = configurations.get(item.configurationId);
    if (!current) changes.push(`tenant ${item.tenantId}: gone (${item.configurationId})`);
    else if (current.version !== item.version)
      changes.push(`tenant ${item.tenantId}: version ${item.version} → ${current.version}`);
  }
  return changes;
}
