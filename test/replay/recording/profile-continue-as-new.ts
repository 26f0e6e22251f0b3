import { demoStudents } from '../../../sandboxes/demo-data';
import { workflowIds } from '../../../src/common/workflow-ids';
import { startDevServer } from '../../../src/temporal/dev-server';
import type { ProfileSync } from '../../../workflows/sync-profile';
import { startLifecycleStack } from '../../lifecycle/lifecycle-stack';
import { freePort } from '../../support/free-port';
import type { HistoryRecorder } from './history-recorder';
import { untilProfileSynced } from './workflow-waits';

/**
 * The profile workflow continues as new after 200 syncs or when the server suggests it. 200
 * syncs would make a fixture of megabytes, so this scenario runs on a dev server of its own whose
 * suggestion threshold (`limit.historyCount.suggestContinueAsNew`, 4096 events by default) is
 * low enough that the third profile edit finds the suggestion set.
 */
const suggestContinueAsNewAfterEvents = 40;
const maxEdits = 8;

export async function recordProfileContinueAsNew(recorder: HistoryRecorder): Promise<void> {
  const server = await startDevServer({ port: await freePort(), dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': suggestContinueAsNewAfterEvents } });
  const mainAddress = process.env.TEMPORAL_ADDRESS;
  process.env.TEMPORAL_ADDRESS = server.address;
  try {
    const stack = await startLifecycleStack();
    try {
      const { client } = stack.env;
      const student = demoStudents.find((s) => s.moodle === 'linked');
      if (!student) throw new Error('the demo seed has no linked student');
      const handle = client.workflow.getHandle(workflowIds.profile(student.name));
      let last: ProfileSync | null = null;
      let firstRunId: string | undefined;
      let latestRunId: string | undefined;
      // Each edit's on_update webhook signals the profile workflow; edits wait for the previous sync.
      for (let edit = 1; edit <= maxEdits && latestRunId === firstRunId; edit++) {
        await stack.erp.update('Student', student.name, { city: `Replay City ${edit}` });
        last = await untilProfileSynced(client, student.name, last);
        latestRunId = (await handle.describe()).runId;
        firstRunId ??= latestRunId;
      }
      if (latestRunId === firstRunId) throw new Error(`${handle.workflowId} did not continue as new within ${maxEdits} edits`);
      await recorder.record(client, { workflowType: 'syncProfile', scenario: 'continue-as-new', workflowId: handle.workflowId, runId: firstRunId });
      await recorder.record(client, { workflowType: 'syncProfile', scenario: 'continued', workflowId: handle.workflowId, runId: latestRunId });
    } finally {
      await stack.close();
    }
  } finally {
    process.env.TEMPORAL_ADDRESS = mainAddress;
    await server.stop();
  }
}
