/**
 * Drift: where the account differs from what the fleet last applied. Pure and deterministic (the
 * drift check workflow computes it, the library too).
 *
 * Per managed tenant: its configuration gone (`missing`), or each field the fleet applied whose
 * live value differs (compared as canonical JSON, so key order never counts), with the spec's
 * policy for that field; `ignore`d fields are left out. Fields the fleet never set are not
 * watched: the baseline is `applied`, not the configuration as a whole.
 */
import { canonicalJson } from '../../common/canonical-json';
import type { ConfigurationField } from '../configuration-patch';
import type { DriftedField, DriftReport, FleetSpec, FleetState, LiveState } from './definitions';

/** Per field; a field not named is `alert`. */
export type DriftPolicies = FleetSpec['drift'];

export function driftOf(
  state: FleetState,
  live: LiveState,
  policies: DriftPolicies = {},
  checkedAt: string = new Date().toISOString(),
): DriftReport {
  const configurations = new Map(
    live.configurations.map((configuration) => [configuration.id, configuration]),
  );
  const tenants: DriftReport['tenants'] = {};
  for (const [tenantId, managed] of Object.entries(state.tenants)) {
    const current = configurations.get(managed.configurationId);
    if (current === undefined) {
      tenants[tenantId] = { missing: true };
      continue;
    }
    const fields: DriftedField[] = [];
    for (const [key, applied] of Object.entries(managed.applied)) {
      // The store is where the configuration lives, not a field the fleet sets (it cannot move).
      if (key === 'memoryStoreId' || applied === undefined) continue;
      const field = key as ConfigurationField;
      const now: unknown = (current.fields as Partial<Record<ConfigurationField, unknown>>)[field] ?? null;
      if (canonicalJson(applied) === canonicalJson(now)) continue;
      const policy = policies?.[field] ?? 'alert';
      if (policy !== 'ignore') fields.push({ field, applied, live: now, policy });
    }
    if (fields.length > 0) tenants[tenantId] = { fields };
  }
  return { checkedAt, tenants };
}

/** Whether the report holds any drift (a tenant missing, or a field not ignored). */
export function hasDrift(report: DriftReport): boolean {
  return Object.keys(report.tenants).length > 0;
}
