/**
 * A fleet plan and a drift report as a person reads them, in the style Terraform made familiar:
 * `+` create, `~` update with `field: old → new`, `<` adopt, `-` delete, and a summary line.
 */
import type { DriftReport, FleetPlan, PlanItem } from '../../workflows/fleet/definitions';

const SIGN: Record<PlanItem['action'], string> = { create: '+', update: '~', adopt: '<', delete: '-' };

export function renderPlan(plan: FleetPlan): string {
  const lines = plan.items.flatMap((item) => [
    `  ${SIGN[item.action]} ${describe(item)}`,
    ...fieldLines(item),
  ]);
  const { create, update, adopt, delete: remove, unchanged } = plan.summary;
  const summary =
    create + update + adopt + remove === 0
      ? `No changes. Fleet ${plan.fleet} matches its spec (${unchanged} store(s) and tenant(s) unchanged).`
      : `Plan: ${create} to create, ${update} to update, ${adopt} to adopt, ${remove} to delete, ${unchanged} unchanged.`;
  return [...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n');
}

function describe(item: PlanItem): string {
  if (item.kind === 'store') {
    const id = 'storeId' in item ? ` (${item.storeId})` : '';
    return `store "${item.displayName}"${id}${item.action === 'adopt' ? ', made elsewhere' : ''}`;
  }
  switch (item.action) {
    case 'create':
      return `tenant ${item.tenantId}: configuration "${item.configuration.displayName}" on store "${item.store}"${
        item.onboarding ? ', with its onboarding message' : ''
      }`;
    case 'adopt':
      return `tenant ${item.tenantId}: configuration ${item.configurationId} (version ${item.version}), made elsewhere`;
    case 'update':
      return `tenant ${item.tenantId}: configuration ${item.configurationId} (version ${item.version})`;
    case 'delete':
      return `tenant ${item.tenantId}: configuration ${item.configurationId}`;
  }
}

function fieldLines(item: PlanItem): string[] {
  if (!('changes' in item)) return [];
  return item.changes.map(({ field, before, after }) => `      ${field}: ${show(before)} → ${show(after)}`);
}

/** One line per value: JSON, cut at 80 characters. */
function show(value: unknown): string {
  const text = value === undefined || value === null ? '(unset)' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function renderDrift(fleet: string, report: DriftReport): string {
  const lines = Object.entries(report.tenants).flatMap(([tenantId, drift]) =>
    drift.missing
      ? [`  - tenant ${tenantId}: its configuration is gone`]
      : [
          `  ~ tenant ${tenantId}`,
          ...drift.fields.map(
            ({ field, applied, live, policy }) =>
              `      ${field}: ${show(applied)} → ${show(live)} (${policy})`,
          ),
        ],
  );
  const count = Object.keys(report.tenants).length;
  const summary =
    count === 0
      ? `No drift. Fleet ${fleet} is as last applied.`
      : `Drift: ${count} tenant(s) differ from what was last applied (applied → live).`;
  return [...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n');
}
