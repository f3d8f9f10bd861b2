/** What the fleet verbs share: the spec argument, and the plan file `plan --out` writes. */
import { readFile, writeFile } from 'node:fs/promises';
import { FleetSpecFileError, loadFleetSpec } from '../../lifecycle/fleet-spec-file';
import type { FleetPlan, FleetSpec } from '../../workflows/fleet/definitions';
import { UsageError } from '../usage-error';

/** A saved plan is data this tool wrote: far smaller than this. */
const MAX_PLAN_FILE_BYTES = 64 * 1024 * 1024;

/** The spec named by the verb's one positional argument; every problem of it is a usage error. */
export async function specArgument(verb: string, positionals: string[]): Promise<FleetSpec> {
  if (positionals.length !== 1) throw new UsageError(`${verb} takes exactly one spec file`);
  try {
    return await loadFleetSpec(positionals[0]!);
  } catch (err) {
    if (!(err instanceof FleetSpecFileError)) throw err;
    throw new UsageError(
      `invalid fleet spec, nothing was started:\n  ${err.message.split('\n').join('\n  ')}\n`,
    );
  }
}

export async function writePlanFile(path: string, plan: FleetPlan): Promise<void> {
  await writeFile(path, `${JSON.stringify(plan, null, 2)}\n`);
}

export async function readPlanFile(path: string): Promise<FleetPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --plan ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (text.length > MAX_PLAN_FILE_BYTES) throw new UsageError(`--plan ${path} is too large to be a plan`);
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new UsageError(`--plan ${path} is not a plan: not JSON (plan --out writes one)`);
  }
  if (!isPlan(plan)) throw new UsageError(`--plan ${path} is not a plan (plan --out writes one)`);
  return plan;
}

function isPlan(value: unknown): value is FleetPlan {
  if (typeof value !== 'object' || value === null) return false;
  const plan = value as Partial<FleetPlan>;
  return typeof plan.fleet === 'string' && typeof plan.specDigest === 'string' && Array.isArray(plan.items);
}
