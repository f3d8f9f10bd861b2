/**
 * Records, as replay fixtures, the history of every workflow a test starts on the test bed's
 * client — when RECORD_HISTORIES=1 (`npm run test:record-histories`). test/replay/replay.test.ts
 * replays them all with the current workflow code: a change that would break runs in flight
 * fails `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = join(__dirname, 'histories');

/** One recorded run: its workflow ID and type, and its history (protobuf, base64). */
export interface HistoryFixture {
  workflowId: string;
  workflowType: string;
  /**
   * The history's protobuf encoding: exact, and readable by every SDK (protobuf JSON cannot be
   * written inside jest, where two copies of protobufjs meet).
   */
  historyBase64: string;
}

/** What `Worker.runReplayHistories` takes. */
export function replayable(fixture: HistoryFixture) {
  return {
    workflowId: fixture.workflowId,
    history: temporal.api.history.v1.History.decode(Buffer.from(fixture.historyBase64, 'base64')),
  };
}

export function recordingHistories(): boolean {
  return process.env.RECORD_HISTORIES === '1';
}

/** Runs started through `client` since the last flush. */
export class HistoryRecorder {
  private runs: { workflowId: string; runId?: string }[] = [];

  constructor(private readonly client: Client) {
    const workflows = client.workflow;
    const start = workflows.start.bind(workflows);
    workflows.start = (async (...args: Parameters<typeof start>) => {
      const handle = await start(...args);
      this.runs.push({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
      return handle;
    }) as typeof start;
    const startUpdateWithStart = workflows.startUpdateWithStart.bind(workflows);
    workflows.startUpdateWithStart = (async (...args: Parameters<typeof startUpdateWithStart>) => {
      const update = await startUpdateWithStart(...args);
      this.runs.push({ workflowId: update.workflowId, runId: update.workflowRunId });
      return update;
    }) as typeof startUpdateWithStart;
  }

  /** Writes each run's history as `<test file>--<test name>--<n>.json`, once per run. */
  async flush(testPath: string, testName: string): Promise<void> {
    const runs = [...new Map(this.runs.map((run) => [`${run.workflowId}/${run.runId}`, run])).values()];
    this.runs = [];
    mkdirSync(HISTORIES_DIR, { recursive: true });
    const prefix = `${basename(testPath, '.test.ts')}--${slug(testName)}`;
    for (const [index, { workflowId, runId }] of runs.entries()) {
      const handle = this.client.workflow.getHandle(workflowId, runId);
      const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
      const fixture: HistoryFixture = {
        workflowId,
        workflowType: description.type,
        historyBase64: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString(
          'base64',
        ),
      };
      writeFileSync(join(HISTORIES_DIR, `${prefix}--${index + 1}.json`), `${JSON.stringify(fixture)}\n`);
    }
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}
