/**
 * The contract of fleets: many tenants on Conversation Orchestrator under one account, described
 * by one spec (stores, and tenants each with a configuration on one of those stores), compared
 * with the live state into a plan, and applied as one durable run.
 *
 * Shared by the fleet workflows, the library (src/lifecycle/fleet.ts) and the CLI; pure types,
 * workflow IDs and message definitions only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConfigurationRequest } from '../../api/types';
import type { FieldChange, ConfigurationField } from '../configuration-patch';
import type { Onboarding, ProvisionInput } from '../provision-input';

/** What to do when a live field differs from what was last applied. @default 'alert' */
export type DriftPolicy = 'ignore' | 'alert' | 'reconcile';

export interface FleetStoreSpec {
  displayName: string;
  /** As a provisioning's store: optional. */
  description?: string;
}

/** The configuration fields of a tenant: a provisioning's `configuration`. */
export type TenantConfiguration = ProvisionInput['configuration'];

export interface FleetTenantSpec {
  /** Unique in the spec; letters, digits and dashes. Also the tenant's fairness key. */
  id: string;
  /** The `displayName` of one of the spec's stores. */
  store: string;
  configuration: TenantConfiguration;
  /** A conversation and first message, sent once, when the tenant is first created. */
  onboarding?: Onboarding;
}

export interface FleetSpec {
  /** Names the fleet: what it manages, its runs' workflow IDs. @default the spec file's name */
  name: string;
  stores: FleetStoreSpec[];
  tenants: FleetTenantSpec[];
  /** Per configuration field; fields not named are `alert`. */
  drift?: Partial<Record<ConfigurationField, DriftPolicy>>;
}

/** A store as the account has it. */
export interface LiveStore {
  id: string;
  displayName: string;
  description?: string;
}

/** A configuration as the account has it: its fields as a request would send them, and its version. */
export interface LiveConfiguration {
  id: string;
  storeId: string;
  displayName: string;
  version: number;
  fields: ConfigurationRequest;
}

/** The account's stores and their configurations, read by `readFleetState`. */
export interface LiveState {
  stores: LiveStore[];
  configurations: LiveConfiguration[];
}

/** What the fleet made or adopted, so a later plan may prune it and a drift check compare it. */
export interface ManagedTenant {
  storeId: string;
  configurationId: string;
  /** The configuration fields as last applied (the drift baseline). */
  applied: ConfigurationRequest;
  /** The version the apply left (or read). */
  version: number;
  /** Whether its onboarding conversation and message were done (never twice). */
  onboarded: boolean;
  /** The onboarding's conversation, removed with the configuration when the tenant is deleted. */
  conversationId?: string;
}

/** The fleet's durable memory, held by its `fleet` workflow. */
export interface FleetState {
  name: string;
  /** By store displayName. */
  stores: Record<string, { id: string }>;
  /** By tenant ID. */
  tenants: Record<string, ManagedTenant>;
  /** The apply under way, if any: the workflow ID of its run. */
  applying?: { workflowId: string; planDigest: string; startedAt: string };
  lastApply?: {
    workflowId: string;
    endedAt: string;
    summary: ApplySummary;
    /** Why the run itself failed (e.g. a stale plan), when it did; tenants' failures are in its result. */
    failure?: string;
  };
  lastDrift?: DriftReport;
}

export type PlanItem =
  | { kind: 'store'; action: 'create'; displayName: string; description?: string }
  | { kind: 'store'; action: 'adopt'; displayName: string; storeId: string }
  | { kind: 'store'; action: 'delete'; displayName: string; storeId: string }
  | {
      kind: 'tenant';
      action: 'create';
      tenantId: string;
      store: string;
      configuration: TenantConfiguration;
      onboarding?: FleetTenantSpec['onboarding'];
    }
  | {
      /** Exists (same displayName on the tenant's store) but was made elsewhere: taken over, then updated if `changes`. */
      kind: 'tenant';
      action: 'adopt';
      tenantId: string;
      storeId: string;
      configurationId: string;
      version: number;
      changes: FieldChange[];
      configuration: TenantConfiguration;
    }
  | {
      kind: 'tenant';
      action: 'update';
      tenantId: string;
      storeId: string;
      configurationId: string;
      version: number;
      changes: FieldChange[];
      configuration: TenantConfiguration;
    }
  | { kind: 'tenant'; action: 'delete'; tenantId: string; storeId: string; configurationId: string };

export interface PlanSummary {
  create: number;
  update: number;
  adopt: number;
  delete: number;
  unchanged: number;
}

export interface FleetPlan {
  fleet: string;
  /** SHA-256 of the spec's canonical JSON: a saved plan is applied with its spec only. */
  specDigest: string;
  /** Stores first, then tenants in spec order, deletions last (children before stores). */
  items: PlanItem[];
  summary: PlanSummary;
  /** What the plan leaves alone, and why (e.g. a managed store that still holds others' configurations). */
  notes?: string[];
}

/**
 * What became of one tenant item. A tenant made, adopted or updated carries what the fleet
 * remembers of it: the configuration as read after the change (the drift baseline), its version,
 * and whether its onboarding is done.
 */
export type TenantOutcome =
  | {
      tenantId: string;
      state: 'done';
      action: 'create' | 'adopt' | 'update';
      storeId: string;
      configurationId: string;
      version: number;
      applied: ConfigurationRequest;
      onboarded: boolean;
      conversationId?: string;
    }
  | { tenantId: string; state: 'done'; action: 'delete'; configurationId: string }
  | { tenantId: string; state: 'failed'; action: PlanItem['action']; failure: string };

/** What became of one store item. */
export type StoreOutcome =
  | { store: string; state: 'done'; action: 'create' | 'adopt' | 'delete'; storeId: string }
  | { store: string; state: 'failed'; action: 'create' | 'adopt' | 'delete'; failure: string };

/** Plan items (stores and tenants) by state. */
export interface ApplySummary {
  done: number;
  failed: number;
  pending: number;
  running: number;
}

export interface ApplyProgress {
  fleet: string;
  summary: ApplySummary;
  /** The tenants that failed, and why (one line each). */
  failed: { tenantId: string; failure: string }[];
  /** The stores that failed, and why (their tenants fail too, naming them). */
  failedStores: { store: string; failure: string }[];
}

export interface ApplyResult {
  fleet: string;
  summary: ApplySummary;
  stores: StoreOutcome[];
  outcomes: TenantOutcome[];
}

/** How an apply runs; the plan says what it does. */
export interface ApplyOptions {
  /**
   * Tenants in flight at once (children), at most 100. @default applyFleet's: twice the API
   * budget's requests per second, from 20 to 100 (`windowForApiRate`); the workflow's own: 20
   */
  window?: number;
  /**
   * The run's history length past which it drains its window and continues as new (also when
   * the server suggests it). Below the server's 10,240-event warning. @default 8000
   */
  continueAsNewAfterEvents?: number;
}

export interface DriftedField {
  field: ConfigurationField;
  applied: unknown;
  live: unknown;
  policy: DriftPolicy;
}

export interface DriftReport {
  checkedAt: string;
  /** By tenant ID: the fields that moved, or `missing` when the configuration is gone. */
  tenants: Record<string, { missing: true } | { missing?: false; fields: DriftedField[] }>;
}

/** The long-lived workflow that holds a fleet's state and serializes its applies. */
export function fleetWorkflowId(fleet: string): string {
  return `fleet:${fleet}`;
}

/** The run that applies the fleet's n-th plan. */
export function fleetApplyWorkflowId(fleet: string, applyNumber: number): string {
  return `fleet-apply:${fleet}:${applyNumber}`;
}

/**
 * The child that applies one tenant's change (a provisioning, a teardown): the same item in a
 * retried or continued apply, or in a later apply of the same change, gets the same ID, so a
 * change still under way is never started twice.
 */
export function fleetTenantWorkflowId(fleet: string, tenantId: string, action: 'create' | 'delete'): string {
  return `fleet-tenant:${fleet}:${tenantId}:${action}`;
}

/** The teardown child that removes a store the fleet no longer names. */
export function fleetStoreWorkflowId(fleet: string, store: string): string {
  return `fleet-store:${fleet}:${store}:delete`;
}

/** The Schedule that checks the fleet for drift periodically. */
export function fleetDriftScheduleId(fleet: string): string {
  return `fleet-drift:${fleet}`;
}

/** Keyword: `drifted` or `in-sync`, set on the fleet's workflow by each drift check (with the other keys). */
export { FleetDrift } from '../definitions';

export const fleetStateQuery = defineQuery<FleetState>('fleetState');
export const applyProgressQuery = defineQuery<ApplyProgress>('applyProgress');
/**
 * Starts applying a plan; resolves with the apply run's workflow ID once it started. Refused
 * (naming the run that holds the fleet) while another apply runs.
 */
export const applyPlanUpdate = defineUpdate<{ workflowId: string }, [FleetPlan, ApplyOptions?]>('applyPlan');
/** A drift check's findings, sent by the scheduled check to the fleet's workflow. */
export const driftObservedSignal = defineSignal<[DriftReport]>('driftObserved');
