/**
 * A fleet's spec as validated before anything starts: its stores (a provisioning's store
 * fields), its tenants (a provisioning's configuration fields and, optionally, its onboarding),
 * and the drift policy per configuration field. Built from the same schemas as the provisioning
 * input, so a tenant is refused by the rules a provisioning of it would be refused by, plus the
 * fleet's own: unknown keys, duplicate tenant IDs, store names and configuration names on one
 * store, a tenant naming no store of the spec, more stores than an account may hold.
 *
 * Issue paths read as the spec file is written: `tenants[12].store`.
 */
import { z } from 'zod';
import { MAX_STORES_PER_ACCOUNT } from '../../api/field-rules';
import { exactly, matching, storeCreateSchema } from '../../api/request-schemas';
import { configurationFieldsSchema } from '../configuration-input';
import { inputSchema, InvalidInputError, type InputIssue, type InputOf } from '../input-schema';
import { onboardingSchema } from '../provision-input';
import type { DriftPolicy, FleetSpec } from './definitions';

const FLEET_ID_PATTERN = /^[a-zA-Z0-9-]+$/;
/**
 * A tenant ID is its work's fairness key, which Temporal limits to 64 bytes; the fleet's name
 * shares the limit, as both make up workflow IDs.
 */
export const FLEET_ID_MAX_LENGTH = 64;
const DRIFT_POLICIES = ['ignore', 'alert', 'reconcile'] as const satisfies readonly DriftPolicy[];

/** A fleet's name or a tenant's ID. */
function fleetIdSchema() {
  return z
    .string()
    .check(matching(FLEET_ID_PATTERN, 'must match ^[a-zA-Z0-9-]+$ (letters, digits, dashes)'))
    .max(
      FLEET_ID_MAX_LENGTH,
      `must be at most ${FLEET_ID_MAX_LENGTH} characters (a fairness key holds at most 64 bytes)`,
    );
}

function tenantSchema() {
  // Descriptions reach editors through the JSON Schema (npm run fleet:schema).
  return z.strictObject({
    id: fleetIdSchema().describe('Unique in the spec; letters, digits and dashes. Also its fairness key.'),
    store: z.string().describe("The displayName of one of the spec's stores."),
    configuration: configurationFieldsSchema().describe(
      "The tenant's configuration: a provisioning's configuration fields. Found by displayName on its store.",
    ),
    onboarding: onboardingSchema()
      .describe('A conversation and its first message, sent once, when the tenant is first created.')
      .optional(),
  });
}

/** Per configuration field: what a drift check does when the live value moved. */
function driftSchema() {
  const fields = Object.keys(configurationFieldsSchema().shape);
  return z.strictObject(
    Object.fromEntries(fields.map((field) => [field, exactly(DRIFT_POLICIES).optional()])) as Record<
      keyof ReturnType<typeof configurationFieldsSchema>['shape'],
      z.ZodOptional<ReturnType<typeof exactly<typeof DRIFT_POLICIES>>>
    >,
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `names no configuration field (fields: ${fields.join(', ')})`
          : undefined,
    },
  );
}

/** The spec's shape, without the rules that compare one entry with another (see `crossChecks`). */
export function fleetSpecShapeSchema() {
  return z
    .strictObject({
      name: fleetIdSchema()
        .describe("Names the fleet: what it manages and its runs' workflow IDs. Default: the file's name.")
        .optional(),
      stores: z
        .array(storeCreateSchema())
        .max(
          MAX_STORES_PER_ACCOUNT,
          `at most ${MAX_STORES_PER_ACCOUNT} stores: an account holds at most ${MAX_STORES_PER_ACCOUNT} memory stores`,
        )
        .describe('Memory stores, shared by the tenants; display names are unique per account.'),
      tenants: z.array(tenantSchema()).describe('Tenants, each a configuration on one of the stores.'),
      drift: driftSchema()
        .describe(
          'Per configuration field, what a drift check does when it moved: ignore, alert (default), reconcile.',
        )
        .optional(),
    })
    .meta({ title: 'Fleet spec of orchestrator-temporal' });
}

type Issue = z.core.$ZodRawIssue;

/** Only what a malformed entry has of the right type: these checks run even when others failed. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
}

function list(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}

/**
 * The rules between entries, reported alongside the shape's own: duplicates (each names the
 * entry it repeats) and tenants naming no store of the spec.
 */
function crossChecks(spec: unknown): Issue[] {
  const issues: Issue[] = [];
  const issue = (path: PropertyKey[], message: string) =>
    issues.push({ code: 'custom', input: spec, path, message });

  const storeAt = new Map<string, number>();
  list(spec, 'stores').forEach((store, index) => {
    const name = text(store, 'displayName');
    if (name === undefined) return;
    const first = storeAt.get(name);
    if (first === undefined) storeAt.set(name, index);
    else
      issue(
        ['stores', index, 'displayName'],
        `duplicates stores[${first}] (store names are unique per account)`,
      );
  });

  const tenantAt = new Map<string, number>();
  /** By store, then configuration displayName: a tenant is found by its configuration's name on its store. */
  const configurationAt = new Map<string, number>();
  list(spec, 'tenants').forEach((tenant, index) => {
    const id = text(tenant, 'id');
    if (id !== undefined) {
      const first = tenantAt.get(id);
      if (first === undefined) tenantAt.set(id, index);
      else issue(['tenants', index, 'id'], `duplicates tenants[${first}] (tenant IDs are unique)`);
    }
    const store = text(tenant, 'store');
    if (store === undefined) return;
    if (!storeAt.has(store)) {
      const names = [...storeAt.keys()];
      issue(
        ['tenants', index, 'store'],
        `names no store of the spec (stores: ${names.length === 0 ? 'none' : names.join(', ')})`,
      );
      return;
    }
    const displayName = text(field(tenant, 'configuration'), 'displayName');
    if (displayName === undefined) return;
    const key = JSON.stringify([store, displayName]);
    const first = configurationAt.get(key);
    if (first === undefined) configurationAt.set(key, index);
    else
      issue(
        ['tenants', index, 'configuration', 'displayName'],
        `duplicates tenants[${first}] on store ${store} (a tenant's configuration is found by its name on its store)`,
      );
  });
  return issues;
}

/** Thrown by `parseFleetSpec`; the message lists every `path: rule`. */
export class InvalidFleetSpecError extends InvalidInputError {
  constructor(issues: InputIssue[]) {
    super('fleet spec', issues);
    this.name = 'InvalidFleetSpecError';
  }
}

const fleetSpecInput = inputSchema(
  () =>
    fleetSpecShapeSchema().check(
      // Runs also when an entry is malformed, so one report names every problem of the spec.
      z.superRefine(
        (spec, context) => {
          for (const found of crossChecks(spec)) context.addIssue(found);
        },
        { when: () => true },
      ),
    ),
  InvalidFleetSpecError,
  { indices: 'bracketed' },
);

/** A spec as written (in a file, or by code). */
export type FleetSpecInput = InputOf<typeof fleetSpecInput>;

/**
 * Validates a spec; throws `InvalidFleetSpecError` naming every problem. `defaultName` names the
 * fleet when the spec does not (the spec file's base name), under the same rule.
 */
export function parseFleetSpec(raw: unknown, defaultName?: string): FleetSpec {
  const named =
    defaultName !== undefined && typeof raw === 'object' && raw !== null && !('name' in raw)
      ? { ...raw, name: defaultName }
      : raw;
  let spec;
  try {
    spec = fleetSpecInput.parse(named);
  } catch (error) {
    if (!(error instanceof InvalidFleetSpecError) || named === raw) throw error;
    throw new InvalidFleetSpecError(
      error.issues.map((found) =>
        found.path === 'name'
          ? {
              path: 'name',
              message: `is not given, and the file's name "${defaultName}" cannot name the fleet: it ${found.message}; give name: in the spec`,
            }
          : found,
      ),
    );
  }
  const { name } = spec;
  if (name === undefined) {
    throw new InvalidFleetSpecError([{ path: 'name', message: 'is required (no file names the fleet)' }]);
  }
  return { ...spec, name };
}
