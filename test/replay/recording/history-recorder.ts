import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJson } from '../history-json';
import { fixtureFileName, historiesDir, historyWorkflowType, scenarioMismatch, type HistoryFixture, type Scenario } from '../history-fixtures';

const repositoryRoot = path.resolve(__dirname, '../../..');

/** HEAD, marked `+dirty` when workflows/ had uncommitted changes: the code the histories came from. */
function recordedFrom(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', 'workflows') !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
}

export interface RecordRequest {
  workflowType: string;
  scenario: Scenario;
  workflowId: string;
  /** A particular run (e.g. before or after a continue-as-new); the latest run when omitted. */
  runId?: string;
}

/** Fetches a run's history and writes it as `histories/<workflowType>-<scenario>.json`, once it shows its scenario. */
export class HistoryRecorder {
  private readonly commit = recordedFrom();
  readonly written: string[] = [];

  async record(client: Client, request: RecordRequest): Promise<void> {
    const history = historyToJson(await client.workflow.getHandle(request.workflowId, request.runId).fetchHistory());
    const file = fixtureFileName(request.workflowType, request.scenario);
    const type = historyWorkflowType(history);
    if (type !== request.workflowType) throw new Error(`${file}: ${request.workflowId} is a ${type} run`);
    const mismatch = scenarioMismatch(request.scenario, history);
    if (mismatch) throw new Error(`${file}: the history of ${request.workflowId} does not show "${request.scenario}": ${mismatch}`);
    const fixture: HistoryFixture = { workflowId: request.workflowId, workflowType: type, scenario: request.scenario, recordedFrom: this.commit, history };
    writeFileSync(path.join(historiesDir, file), `${JSON.stringify(fixture, null, 1)}\n`);
    this.written.push(file);
    console.log(`recorded ${file} (${history.events.length} events)`);
  }
}
