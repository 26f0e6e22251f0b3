import { Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import pino from 'pino';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import * as workflows from '../../workflows';
import { bundleWorkflows } from '../support/temporal';
import { historyWorkflowType, loadHistoryFixtures, scenarioMismatch, type HistoryFixture } from './history-fixtures';
import { historyFromJson } from './history-json';

/**
 * Replays every recorded history (test/replay/histories/, `npm run record:histories`) against
 * today's workflow code, locally: no server, no activities. A change that would make a running
 * workflow issue different commands than its history fails here, naming the fixture, before it
 * reaches a worker with runs in flight. README.md here says what to do then.
 */
jest.setTimeout(120_000);

const fixtures = loadHistoryFixtures();

// SDK logs at error only; the core still warns of the nondeterminism the deliberate break below provokes.
beforeAll(() => installTemporalRuntime(pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' }, pino.destination(2))));

/** Replays the fixtures in one replay worker; the results come back one per history, in order. */
async function replay(workflowsPath: string, entries: { file: string; fixture: HistoryFixture }[]): Promise<Map<string, ReplayResult['error']>> {
  const workflowBundle = await bundleWorkflows(workflowsPath);
  const histories = entries.map(({ fixture }) => ({ workflowId: fixture.workflowId, history: historyFromJson(fixture.history) }));
  const errors = new Map<string, ReplayResult['error']>();
  let index = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'replay-test' }, histories)) {
    errors.set(entries[index++].file, result.error);
  }
  if (errors.size !== entries.length) throw new Error(`replayed ${errors.size} of ${entries.length} histories`);
  return errors;
}

describe('recorded workflow histories', () => {
  let errors: Map<string, ReplayResult['error']>;

  beforeAll(async () => {
    errors = await replay(require.resolve('../../workflows'), fixtures);
  });

  it.each(fixtures.map(({ file, fixture }) => [file, fixture] as const))('%s replays against the current workflows/ code', (file, fixture) => {
    const error = errors.get(file);
    if (error) {
      throw new Error(
        `${file} (${fixture.workflowType} ${fixture.workflowId}, recorded from ${fixture.recordedFrom}) no longer replays: ${error.name}: ${error.message}\n` +
          'Running workflows of this type would fail the same way. Guard the change with patched() (test/replay/README.md), or re-record only if no such run can exist.',
      );
    }
  });

  it.each(fixtures.map(({ file, fixture }) => [file, fixture] as const))('%s is the workflow type and scenario its name says', (file, fixture) => {
    expect(`${historyWorkflowType(fixture.history)}-${fixture.scenario}.json`).toBe(file);
    expect(fixture.workflowType).toBe(historyWorkflowType(fixture.history));
    expect(scenarioMismatch(fixture.scenario, fixture.history)).toBeNull();
  });

  it('covers every workflow type the worker registers, each with a happy run', () => {
    const registered = Object.entries(workflows).filter(([, value]) => typeof value === 'function').map(([name]) => name).sort();
    const happy = new Set(fixtures.filter(({ fixture }) => fixture.scenario === 'happy').map(({ fixture }) => fixture.workflowType));
    // A new workflow type needs a scenario in test/replay/recording/ and `npm run record:histories`.
    expect(registered.filter((type) => !happy.has(type))).toEqual([]);
  });
});

describe('the replay test bites', () => {
  it('reports a DeterminismViolationError for a workflow that now calls a different activity first', async () => {
    const enrolments = fixtures.filter(({ fixture }) => fixture.workflowType === 'enrollProgram');
    expect(enrolments.length).toBeGreaterThan(0);
    const errors = await replay(require.resolve('./fixtures/altered-workflows'), enrolments);
    for (const { file } of enrolments) {
      const error = errors.get(file);
      expect(error).toBeInstanceOf(DeterminismViolationError);
      // Older histories meet the other activity; newer ones first meet a patch marker the altered code lacks.
      expect(error?.message).toMatch(/moodleFindAccountsByIdnumber|erpnextGetProgramEnrollment|patch marker encountered/);
    }
  });
});
