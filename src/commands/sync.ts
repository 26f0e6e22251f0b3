import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { startAttendanceSync, startGradeSync } from '../starters/sync-requests';
import { startCompletionSync } from '../starters/completion-sync';
import { connectTemporalClient } from '../wiring/from-config';
import type { CourseSyncCounts, SyncReport } from '../../workflows/course-sync/sync-report';
import { syncReportTable } from './sync-report-table';

export interface SyncCommandOptions {
  what: 'grades' | 'attendance' | 'completions';
  course?: string;
  /** Grades only. */
  student?: string;
  /** Wait for the run and print its report instead of returning once it has started. */
  wait?: boolean;
  /** With wait: the report as JSON instead of tables. */
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

/**
 * `campus-bridge sync grades [--course X] [--student Y] [--wait [--json]]`, `sync attendance [--course X]` and `sync completions [--course X]`:
 * start the same workflow the nightly Schedule starts.
 */
export async function syncCommand(options: SyncCommandOptions): Promise<void> {
  const config = loadConfig('sync', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const mapping = loadMapping(config.MAPPING_FILE);
    const { workflowId, runId } =
      options.what === 'grades'
        ? await startGradeSync(client, mapping, { course: options.course, student: options.student })
        : options.what === 'attendance'
          ? await startAttendanceSync(client, mapping, { course: options.course })
          : await startCompletionSync(client, mapping, { course: options.course });
    if (!options.wait) {
      print(options.json ? JSON.stringify({ workflowId, runId }) : `started ${workflowId} (run ${runId})`);
      return;
    }
    // The run the request went to, followed through its continue-as-new chain to the report it ends with.
    const report = (await client.workflow.getHandle(workflowId, runId).result()) as SyncReport<CourseSyncCounts>;
    print(options.json ? JSON.stringify({ workflowId, runId, ...report }, null, 2) : syncReportTable(workflowId, report));
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}
