/** A resource a provisioning step obtained, and how. */
import type { ResourceOrigin } from './definitions';

export interface Obtained {
  id: string;
  origin: ResourceOrigin;
}

/**
 * Reconcile before creating: what belongs under `parent` may already exist — from an earlier
 * run of this provisioning (a failed one may be started again under the same identity) or from
 * whoever else uses a store or conversation the input names — unless this run created the
 * parent, which is then new and empty: looking under it would only cost history.
 */
export function mayHoldEarlierWork(parent: Obtained): boolean {
  return parent.origin !== 'created';
}
