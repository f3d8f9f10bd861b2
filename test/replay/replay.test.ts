/**
 * The replay safety net: every recorded history (test/replay/histories, written by
 * `npm run test:record-histories`) replays with the current workflow code. A change that would
 * break the determinism of runs already in flight fails here, before it is deployed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { HISTORIES_DIR, replayable, type HistoryFixture } from './history-recorder';

jest.setTimeout(120_000);

const quiet = new DefaultLogger('ERROR');

function fixtures(): (HistoryFixture & { file: string })[] {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as HistoryFixture),
    }));
}

async function replayAll(workflowBundle: WorkflowBundle, histories: HistoryFixture[]) {
  const failures: { workflowId: string; error: unknown }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories.map(replayable))) {
    if (result.error) failures.push({ workflowId: result.workflowId, error: result.error });
  }
  return failures;
}

test('the fixtures cover every lifecycle workflow and its failure paths', () => {
  const recorded = fixtures();
  const types = new Set(recorded.map((fixture) => fixture.workflowType));
  expect([...types].sort()).toEqual(
    expect.arrayContaining([
      'configurationUpdates',
      'provisionOrchestrator',
      'teardownOrchestrator',
      // A fleet's workflow lives as long as the fleet: the runs in flight it must not break.
      'fleet',
      'fleetApply',
      'readFleetState',
      'fleetDriftCheck',
    ]),
  );
  // Happy paths, failures, reruns, rollbacks: one fixture per recorded run, many per test file.
  for (const testFile of [
    'happy-path',
    'failed-steps',
    'message-sending',
    'rerun',
    'configuration-id',
    'rollback',
    'teardown',
    'update-configuration',
    'apply',
    'fleet-workflow',
    'read-state',
  ]) {
    expect(recorded.some((fixture) => fixture.file.startsWith(`${testFile}--`))).toBe(true);
  }
});

test('every recorded history replays with the current workflow code', async () => {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: quiet,
  });
  const failures = await replayAll(workflowBundle, fixtures());
  expect(failures.map(({ workflowId, error }) => `${workflowId}: ${String(error)}`)).toEqual([]);
});

test('a reordered activity call fails the replay of a run recorded before it', async () => {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./reordered-workflows'),
    logger: quiet,
  });
  const happyPath = fixtures().filter((fixture) => fixture.file.startsWith('happy-path--'));
  expect(happyPath.length).toBeGreaterThan(0);
  const failures = await replayAll(workflowBundle, happyPath.slice(0, 1));
  expect(failures).toHaveLength(1);
  expect(failures[0]!.error).toBeInstanceOf(DeterminismViolationError);
});
