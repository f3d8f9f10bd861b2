/**
 * Records, as replay fixtures, the history of every workflow run a test made on the test bed's
 * server — when RECORD_HISTORIES=1 (`npm run test:record-histories`). test/replay/replay.test.ts
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

/** Runs of one workflow type recorded per test: a fleet's tenants' provisionings are alike. */
const MAX_RUNS_PER_TYPE = 3;
/** Pages of each list read (1,000 runs a page): a test bed never holds more. */
const MAX_PAGES = 20;

/**
 * Every run on the test server not recorded yet: the ones a test starts, and the runs its
 * workflows start (children, continued runs, a fleet's applies and tenants, a drift check's).
 * Found by listing the server's open and closed runs, since the test's client starts only some.
 */
export class HistoryRecorder {
  private readonly recorded = new Set<string>();

  constructor(private readonly client: Client) {}

  /** Writes each new run's history as `<test file>--<test name>--<n>.json`, in the order they started. */
  async flush(testPath: string, testName: string): Promise<void> {
    const runs = (await this.listRuns()).filter(({ runId }) => !this.recorded.has(runId));
    runs.sort((a, b) => a.startedAt - b.startedAt);
    for (const { runId } of runs) this.recorded.add(runId);
    mkdirSync(HISTORIES_DIR, { recursive: true });
    const prefix = `${basename(testPath, '.test.ts')}--${slug(testName)}`;
    const perType = new Map<string, number>();
    let index = 0;
    for (const { workflowId, runId, workflowType } of runs) {
      const count = (perType.get(workflowType) ?? 0) + 1;
      perType.set(workflowType, count);
      if (count > MAX_RUNS_PER_TYPE) continue;
      const history = await this.client.workflow.getHandle(workflowId, runId).fetchHistory();
      const fixture: HistoryFixture = {
        workflowId,
        workflowType,
        historyBase64: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString(
          'base64',
        ),
      };
      index += 1;
      writeFileSync(join(HISTORIES_DIR, `${prefix}--${index}.json`), `${JSON.stringify(fixture)}\n`);
    }
  }

  private async listRuns(): Promise<
    { workflowId: string; runId: string; workflowType: string; startedAt: number }[]
  > {
    const { workflowService } = this.client;
    const namespace = this.client.options.namespace;
    const lists = [
      (nextPageToken?: Uint8Array) =>
        workflowService.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1000, nextPageToken }),
      (nextPageToken?: Uint8Array) =>
        workflowService.listClosedWorkflowExecutions({ namespace, maximumPageSize: 1000, nextPageToken }),
    ];
    const runs = [];
    for (const list of lists) {
      let token: Uint8Array | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const response = await list(token);
        for (const info of response.executions ?? []) {
          const { workflowId, runId } = info.execution ?? {};
          if (!workflowId || !runId) continue;
          const startedAt = Number(info.startTime?.seconds ?? 0) * 1000 + (info.startTime?.nanos ?? 0) / 1e6;
          runs.push({ workflowId, runId, workflowType: info.type?.name ?? 'unknown', startedAt });
        }
        token = response.nextPageToken?.length ? response.nextPageToken : undefined;
        if (!token) break;
      }
    }
    return runs;
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}
