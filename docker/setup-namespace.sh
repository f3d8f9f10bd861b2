#!/bin/sh
# One-shot setup of a running Temporal server: the namespace and the provisioning's search
# attributes (src/workflows/definitions.ts, SEARCH_ATTRIBUTE_KEYS; test/cli/docker-compose.test.ts
# checks the list below against it), each created only when missing. Re-running it is harmless.
#
# Run by docker-compose.yml's temporal-setup service (admin-tools image) and by `npm run cluster`,
# with the `temporal` CLI on PATH and TEMPORAL_ADDRESS set. Every wait is bounded.
set -eu

namespace="${TEMPORAL_NAMESPACE:-default}"

# retry TRIES COMMAND...: runs COMMAND until it succeeds, at most TRIES times, a second apart.
retry() {
  tries=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$tries" ]; then
      echo "setup-namespace: gave up after $tries tries: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 1
  done
}

retry 120 temporal operator cluster health
if ! temporal operator namespace describe -n "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create -n "$namespace"
fi
# The frontend caches "namespace not found" for a while after a miss: wait until it serves the
# namespace, or the first calls below (and a worker's first poll) fail.
retry 30 temporal workflow list -n "$namespace" --limit 1 >/dev/null

for name in LifecycleOperation ProvisioningStep OrchestratorStoreId OrchestratorConfigurationId StuckOperationId AwaitingDecision FleetDrift; do
  if ! temporal operator search-attribute list -n "$namespace" | grep -qw "$name"; then
    temporal operator search-attribute create -n "$namespace" --name "$name" --type Keyword
  fi
done
