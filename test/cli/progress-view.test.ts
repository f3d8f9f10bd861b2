/** The progress display: what each step line says, and how each view writes updates. */
import { LiveProgressView, renderStepLines, StepLogView } from '../../src/cli/progress-view';
import { PROVISION_STEPS, type ProvisionProgress, type StepReport } from '../../src/workflows/definitions';

const T0 = 1_700_000_000_000;
const report = (status: StepReport['status'], polls: number, elapsedMs: number): StepReport => ({
  status,
  polls,
  startedAt: T0,
  elapsedMs,
});

function progress(
  steps: ProvisionProgress['steps'],
  extra: Partial<ProvisionProgress> = {},
): ProvisionProgress {
  return {
    operation: 'provision',
    plan: PROVISION_STEPS,
    step: 'await-memory-store',
    ids: {},
    steps,
    resources: {},
    ...extra,
  };
}

/** Collects what a view writes. */
function sink() {
  const chunks: string[] = [];
  return {
    out: { write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WritableStream,
    chunks,
  };
}

describe('renderStepLines', () => {
  test('one line per working step, with status, polls and time; steps not reached are pending', () => {
    const lines = renderStepLines(
      progress({
        'create-memory-store': report('done', 0, 450),
        'await-memory-store': report('running', 1, 0),
      }),
      T0 + 2_500,
    );
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/✓ create-memory-store\s+done\s+0 polls\s+450ms$/);
    // A running step's time is live: from its start to now.
    expect(lines[1]).toMatch(/> await-memory-store\s+running\s+1 poll\s+2\.5s$/);
    expect(lines[2]).toMatch(/^\s+create-configuration\s+pending$/);
  });

  test('a step after the current one is pending, even if reported (nothing after it has started)', () => {
    const lines = renderStepLines(
      progress({
        'await-memory-store': report('running', 0, 0),
        'create-conversation': report('skipped', 0, 0),
      }),
      T0,
    );
    expect(lines[5]).toMatch(/^\s+create-conversation\s+pending$/);
    const done = renderStepLines(
      progress({ 'create-memory-store': report('skipped', 0, 0) }, { step: 'completed' }),
      T0,
    );
    expect(done[0]).toMatch(/- create-memory-store\s+skipped/);
  });

  test('a stuck operation adds a line naming it', () => {
    const lines = renderStepLines(
      progress({ 'await-memory-store': report('running', 9, 200_000) }, { stuckOperationId: 'proc_job_42' }),
      T0,
    );
    expect(lines).toHaveLength(9);
    expect(lines[8]).toContain('proc_job_42');
  });
});

test('the step log prints a line when a step starts or settles, never twice for the same state', () => {
  const { out, chunks } = sink();
  const view = new StepLogView(out);
  view.update(progress({ 'create-memory-store': report('running', 0, 0) }));
  view.update(progress({ 'create-memory-store': report('running', 0, 0) }));
  view.update(
    progress({
      'create-memory-store': report('done', 0, 450),
      'await-memory-store': report('running', 0, 0),
    }),
  );
  view.update(
    progress({
      'create-memory-store': report('done', 0, 450),
      'await-memory-store': report('done', 1, 1200),
    }),
  );
  expect(chunks).toEqual([
    '  create-memory-store: running\n',
    '  create-memory-store: done (0 polls, 450ms)\n',
    '  await-memory-store: running\n',
    '  await-memory-store: done (1 poll, 1.2s)\n',
  ]);
});

test('the live view redraws its block in place', () => {
  const { out, chunks } = sink();
  const view = new LiveProgressView(out);
  view.update(progress({}));
  view.update(progress({ 'create-memory-store': report('done', 0, 450) }));
  expect(chunks[0]?.startsWith('\x1b[2K')).toBe(true);
  // The second drawing first moves the cursor up over the 8 lines drawn before.
  expect(chunks[1]?.startsWith('\x1b[8F\x1b[2K')).toBe(true);
  expect(chunks[1]?.split('\n').filter(Boolean)).toHaveLength(8);
});
