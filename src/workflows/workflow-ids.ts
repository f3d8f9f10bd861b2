/**
 * The workflow IDs of the lifecycle workflows, derived from what they act on: starting the same
 * work twice attaches to the run already under way instead of duplicating it.
 */

/** What names a provisioning (a `ProvisionInput` is one). */
export interface ProvisioningIdentity {
  provisioningId?: string;
  memoryStore: { displayName: string } | { existingStoreId: string };
  configuration: { displayName: string };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The workflow ID of a provisioning:
 * - `provision-<provisioningId>` when the input names one;
 * - else `provision:<configuration>--<store>`, from the configuration's displayName and the
 *   store's displayName (or existing store ID), each slugged to `[a-z0-9-]`.
 *
 * No two identities share an ID: a provisioningId never holds a `:`, and a slug never holds
 * `--` (nor starts or ends with `-`), so the two names are told apart wherever they split.
 * Names differing only in case or punctuation do share an ID, on purpose: the API would treat
 * them as near-duplicates a person confuses anyway; `startProvisioning` refuses the second of
 * two such provisionings whose inputs differ.
 */
export function provisioningWorkflowId(input: ProvisioningIdentity): string {
  if (input.provisioningId) return `provision-${input.provisioningId}`;
  const store =
    'existingStoreId' in input.memoryStore
      ? input.memoryStore.existingStoreId
      : input.memoryStore.displayName;
  return `provision:${slug(input.configuration.displayName)}--${slug(store)}`;
}

/**
 * The one workflow that applies every update of a configuration, one at a time: two updates
 * started at once join it and are applied in turn, so neither is lost.
 */
export function configurationUpdatesWorkflowId(configurationId: string): string {
  return `configuration-updates:${configurationId}`;
}

/**
 * A teardown's workflow ID, from what it removes: `teardown-<provisioning workflow ID>`, or
 * `teardown-ids:<store>:<configuration>:<conversation>` (`-` where none is named); then
 * `:<requestId>` when the request names itself, so the same resources can be torn down anew.
 */
export function teardownWorkflowId(
  target:
    | { provisioningWorkflowId: string }
    | { ids: { storeId?: string; configurationId?: string; conversationId?: string } },
  requestId?: string,
): string {
  let base: string;
  if ('provisioningWorkflowId' in target) {
    base = `teardown-${target.provisioningWorkflowId}`;
  } else {
    const { storeId, configurationId, conversationId } = target.ids;
    base = `teardown-ids:${[storeId, configurationId, conversationId].map((id) => id ?? '-').join(':')}`;
  }
  return requestId === undefined ? base : `${base}:${requestId}`;
}
