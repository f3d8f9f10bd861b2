/**
 * The benchmark's fleet, generated in code: `tenants` tenants spread in turn over `stores`
 * stores, each a configuration from the shared input factory; a few of them (`onboarded`, spread
 * over the spec) with an onboarding conversation and first message, as a fleet mostly made of
 * configurations would have. Validated as a spec file is, so the bench applies what a user could.
 */
import { provisionInput } from '../../test/support/inputs';
import type { FleetSpec } from '../../src/workflows/fleet/definitions';
import { parseFleetSpec } from '../../src/workflows/fleet/spec-input';

export interface BenchFleetShape {
  tenants: number;
  stores: number;
  /** Tenants with an onboarding, spread evenly over the spec. */
  onboarded: number;
}

export function benchFleetSpec(name: string, { tenants, stores, onboarded }: BenchFleetShape): FleetSpec {
  const storeNames = Array.from({ length: stores }, (_, index) => `${name}-store-${index + 1}`);
  const onboardEvery = onboarded > 0 ? Math.max(1, Math.floor(tenants / onboarded)) : Infinity;
  const tenantSpecs = Array.from({ length: tenants }, (_, index) => {
    const id = `t${index + 1}`;
    // Names from the factory: a configuration's displayName is `fleet <tag>`, within its 32 characters.
    const { configuration, conversation, message } = provisionInput(
      {},
      { prefix: 'fleet', tag: `${name}-${id}` },
    );
    const onboard = index % onboardEvery === 0 && index / onboardEvery < onboarded;
    return {
      id,
      store: storeNames[index % stores]!,
      configuration,
      ...(onboard ? { onboarding: { conversation, message } } : {}),
    };
  });
  return parseFleetSpec({
    name,
    stores: storeNames.map((displayName) => ({ displayName, description: `Benchmark store ${displayName}` })),
    tenants: tenantSpecs,
  });
}
