/**
 * The steps of one configuration update: read it, apply the patch, `PUT` the full replacement
 * with the version read, await its operation, and read again to verify the change is there.
 *
 * A `409` (another change got in between the read and the `PUT`) starts again from the read, up
 * to `maxTries` tries; then the update fails as a `VersionConflict` naming the version it sent and
 * the current one. A patch that changes nothing completes without a `PUT`.
 */
import { ApplicationFailure, uuid4 } from '@temporalio/workflow';
import type { ConfigurationReplacement, CurrentConfiguration } from '../activities';
import { activities } from './activity-calls';
import { applyPatch, changesMissingFrom, type FieldChange } from './configuration-patch';
import type { ConfigurationUpdateResult, UpdateStep } from './definitions';
import { failureTypeOf, FailureType } from './failure-types';
import type { StepRunner } from './step-runner';
import type { ParsedUpdateRequest } from './update-input';
import { classifyOperation } from './verdicts';

type Run = StepRunner<UpdateStep>;
type Applied = Omit<ConfigurationUpdateResult, 'updateId' | 'steps'>;

export async function applyPatchWithRetries(request: ParsedUpdateRequest, run: Run): Promise<Applied> {
  const { configurationId, patch, maxTries } = request;
  run.found({ configurationId });
  for (let tries = 1; ; tries += 1) {
    const current = await run.step('read-configuration', () => activities.getConfiguration(configurationId));
    const { replacement, changes } = applyPatch(current.fields, patch);
    if (changes.length === 0) {
      run.skip('send-update', 'await-update', 'verify-update');
      run.resource('configuration', 'unchanged');
      return { configurationId, applied: false, changes, version: current.version, tries };
    }
    // A new key per try (a try after a 409 is another request); every retry of this try reuses it.
    const idempotencyKey = uuid4();
    const accepted = await run.step('send-update', () =>
      sentUnlessConflict(
        activities.updateConfiguration(configurationId, replacement, current.version, idempotencyKey),
      ),
    );
    if (accepted === 'conflict') {
      if (tries < maxTries) continue;
      const latest = await activities.getConfiguration(configurationId);
      throw versionConflict(current, latest, tries);
    }
    await run.step('await-update', () =>
      run.poll({
        subject: 'configuration update operation',
        operationId: accepted.operationId,
        poll: () => activities.getConfigurationOperation(accepted.operationId),
        classify: classifyOperation('configuration update operation'),
        firstPoll: 'after-wait',
        retryAfterMs: accepted.retryAfterMs,
      }),
    );
    const updated = await run.step('verify-update', () => activities.getConfiguration(configurationId));
    const missing = changesMissingFrom(updated.fields, changes);
    if (missing.length > 0) throw updateNotApplied(current, updated, missing);
    run.resource('configuration', 'updated');
    return {
      configurationId,
      applied: true,
      changes,
      previousVersion: current.version,
      version: updated.version,
      tries,
    };
  }
}

/** The accepted `PUT`, or `conflict` when the API refused it as made against an old version (409). */
async function sentUnlessConflict(
  put: Promise<ConfigurationReplacement>,
): Promise<ConfigurationReplacement | 'conflict'> {
  try {
    return await put;
  } catch (error) {
    if (failureTypeOf(error) === FailureType.ResourceConflict) return 'conflict';
    throw error;
  }
}

function versionConflict(
  sent: CurrentConfiguration,
  latest: CurrentConfiguration,
  tries: number,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.VersionConflict,
    nonRetryable: true,
    message:
      `configuration ${sent.id} changed while this update was being made, on each of ${tries} tries: ` +
      `the last try sent version ${sent.version ?? '(none)'}, the configuration is now at version ` +
      `${latest.version ?? '(none)'}; send the update again once the other changes settle, or allow more tries (maxTries)`,
    details: [{ configurationId: sent.id, sentVersion: sent.version, currentVersion: latest.version, tries }],
  });
}

function updateNotApplied(
  before: CurrentConfiguration,
  after: CurrentConfiguration,
  missing: readonly FieldChange[],
): ApplicationFailure {
  const fields = missing.map((change) => change.field);
  return ApplicationFailure.create({
    type: FailureType.UpdateNotApplied,
    nonRetryable: true,
    message:
      `configuration ${before.id}: the update operation COMPLETED, but a read (version ` +
      `${after.version ?? '(none)'}) does not show ${fields.join(', ')} as sent; another change may ` +
      'have followed at once: read the configuration and send the update again if it is still needed',
    details: [
      { configurationId: before.id, fields, sentVersion: before.version, readVersion: after.version },
    ],
  });
}
