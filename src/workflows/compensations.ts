/**
 * The compensations of a provisioning's rollback (./rollback). A compensation is registered
 * before each create is sent, because a create whose response was lost may still have been
 * applied: until the run learns the resource's ID, the compensation holds a look-up by name, and
 * the rollback looks before deciding there is nothing to delete. A create that met a resource
 * which existed before this run (a rerun adopting an earlier run's work) releases its
 * compensation.
 */
import type { RemovableResource } from './definitions';
import type { RemovalTargets } from './remove-resources';

interface Compensation {
  /** Known once the create's outcome names it. */
  id?: string;
  /** Looks for the resource by name when the ID never came back; undefined if none. */
  find: () => Promise<string | undefined>;
}

/** What this run may have created, by resource; filled in as the setup steps go. */
export class Compensations {
  private readonly entries = new Map<RemovableResource, Compensation>();

  /** Before the create is sent. */
  register(resource: RemovableResource, find: Compensation['find']): void {
    this.entries.set(resource, { find });
  }

  /** The create's resource is known: this run made it. */
  identify(resource: RemovableResource, id: string | undefined): void {
    const entry = this.entries.get(resource);
    if (entry && id) entry.id = id;
  }

  /** The create met a resource that existed before this run: not this run's to remove. */
  release(resource: RemovableResource): void {
    this.entries.delete(resource);
  }

  /** The IDs to remove: known ones, and those a look by name finds. */
  async resolve(): Promise<{ targets: RemovalTargets; notFound: RemovableResource[] }> {
    const targets: RemovalTargets = {};
    const notFound: RemovableResource[] = [];
    for (const [resource, entry] of this.entries) {
      const id = entry.id ?? (await entry.find());
      if (id) targets[resource] = { id };
      else notFound.push(resource);
    }
    return { targets, notFound };
  }
}
