import { driftOf, hasDrift } from '../../src/workflows/fleet/drift';
import { applied, configurationId, fleetSpec, tenant } from './spec-fixtures';

const CHECKED_AT = '2025-06-01T12:00:00.000Z';

test('a fleet as applied has no drift', () => {
  const { live, state } = applied(fleetSpec());
  const report = driftOf(state, live, {}, CHECKED_AT);
  expect(report).toEqual({ checkedAt: CHECKED_AT, tenants: {} });
  expect(hasDrift(report)).toBe(false);
});

test('a changed field is reported with its applied and live values and the default policy, alert', () => {
  const spec = fleetSpec({
    tenants: [
      tenant('acme', 'eu', {
        configuration: {
          displayName: 'acme support',
          description: 'Support line of acme',
          channelSettings: { SMS: { statusTimeouts: { inactive: 30, closed: 60 } } },
        },
      }),
      tenant('globex'),
    ],
  });
  const { live, state } = applied(spec);
  const acme = live.configurations[0]!;
  acme.fields = {
    ...acme.fields,
    // The same settings with keys in another order: no drift.
    channelSettings: { SMS: { statusTimeouts: { closed: 60, inactive: 30 } } },
    description: 'Edited in the console',
    // A field the fleet never set is not watched.
    memoryExtractionEnabled: true,
  };
  const report = driftOf(state, live, undefined, CHECKED_AT);
  expect(report.tenants).toEqual({
    acme: {
      fields: [
        {
          field: 'description',
          applied: 'Support line of acme',
          live: 'Edited in the console',
          policy: 'alert',
        },
      ],
    },
  });
  expect(hasDrift(report)).toBe(true);
});

test('a missing configuration is reported as missing; a field unset since is null', () => {
  const spec = fleetSpec({
    tenants: [
      tenant('acme'),
      tenant('globex', 'eu', {
        configuration: { displayName: 'globex support', description: 'x', memoryExtractionEnabled: true },
      }),
    ],
  });
  const { live, state } = applied(spec);
  live.configurations = live.configurations.filter(
    (configuration) => configuration.id !== configurationId(1),
  );
  const globex = live.configurations[0]!;
  delete globex.fields.memoryExtractionEnabled;
  expect(driftOf(state, live, {}, CHECKED_AT).tenants).toEqual({
    acme: { missing: true },
    globex: { fields: [{ field: 'memoryExtractionEnabled', applied: true, live: null, policy: 'alert' }] },
  });
});

test('ignored fields are left out; reconcile and alert are reported with their policy', () => {
  const spec = fleetSpec({
    tenants: [
      tenant('acme', 'eu', {
        configuration: {
          displayName: 'acme support',
          description: 'Support line of acme',
          conversationGroupingType: 'GROUP_BY_PROFILE',
          memoryExtractionEnabled: false,
        },
      }),
    ],
  });
  const { live, state } = applied(spec);
  const acme = live.configurations[0]!;
  acme.fields = {
    ...acme.fields,
    description: 'Edited',
    conversationGroupingType: 'GROUP_BY_PARTICIPANT_ADDRESSES',
    memoryExtractionEnabled: true,
  };
  const report = driftOf(
    state,
    live,
    { description: 'ignore', memoryExtractionEnabled: 'reconcile', conversationGroupingType: 'alert' },
    CHECKED_AT,
  );
  expect(report.tenants).toEqual({
    acme: {
      fields: [
        {
          field: 'conversationGroupingType',
          applied: 'GROUP_BY_PROFILE',
          live: 'GROUP_BY_PARTICIPANT_ADDRESSES',
          policy: 'alert',
        },
        { field: 'memoryExtractionEnabled', applied: false, live: true, policy: 'reconcile' },
      ],
    },
  });
  // Only ignored fields moved: no drift at all.
  acme.fields = {
    ...acme.fields,
    conversationGroupingType: 'GROUP_BY_PROFILE',
    memoryExtractionEnabled: false,
  };
  expect(hasDrift(driftOf(state, live, { description: 'ignore' }, CHECKED_AT))).toBe(false);
});
