/**
 * A patch to a configuration, applied to what was read: the full replacement to `PUT` and the
 * field-by-field diff. Pure and deterministic (the workflow bundle imports it).
 *
 * A patch sets whole top-level fields: `channelSettings` in a patch replaces every channel's
 * settings, as the API's full-replace `PUT` would. A field is changed only when its new value
 * differs from the current one (compared as canonical JSON, so key order never counts).
 */
import type { ConfigurationRequest } from '../api/types';
import { canonicalJson } from '../common/canonical-json';
import type { ConfigurationPatch } from './configuration-input';

export type ConfigurationField = keyof ConfigurationPatch;

/** One field an update changed. A field that was (or becomes) unset reads `null`. */
export interface FieldChange {
  field: ConfigurationField;
  before: unknown;
  after: unknown;
}

export interface PatchedConfiguration {
  /** The whole configuration to send with the `PUT` (a full replace). */
  replacement: ConfigurationRequest;
  /** Only the fields whose value differs from the current one; empty: nothing to send. */
  changes: FieldChange[];
}

export function applyPatch(current: ConfigurationRequest, patch: ConfigurationPatch): PatchedConfiguration {
  const changes = diff(current, patch);
  const replacement: ConfigurationRequest = { ...current };
  for (const { field, after } of changes) Object.assign(replacement, { [field]: after });
  return { replacement, changes };
}

/**
 * The changes `read` does not show: empty when every changed field reads as its new value.
 * Used to verify a completed update with a read.
 */
export function changesMissingFrom(
  read: ConfigurationRequest,
  changes: readonly FieldChange[],
): FieldChange[] {
  return changes.filter(({ field, after }) => canonicalJson(valueOf(read, field)) !== canonicalJson(after));
}

function diff(current: ConfigurationRequest, patch: ConfigurationPatch): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, after] of Object.entries(patch) as [ConfigurationField, unknown][]) {
    if (after === undefined) continue;
    const before = valueOf(current, field);
    if (canonicalJson(before) !== canonicalJson(after)) changes.push({ field, before, after });
  }
  return changes;
}

function valueOf(configuration: ConfigurationRequest, field: ConfigurationField): unknown {
  return (configuration as Partial<Record<ConfigurationField, unknown>>)[field] ?? null;
}
