import { createActivities } from '../../activities';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient } from '../../src/moodle/client';
import { startErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox } from '../../sandboxes/moodle';
import { taskQueues } from '../../src/common/task-queues';
import { gradeSyncSettings } from '../../src/starters/sync-settings';
import { syncGrades } from '../../workflows/sync-grades';
import { bundleWorkflows, connectTestEnv, withWorkers } from '../support/temporal';

jest.setTimeout(180_000);

it('completes the grade sync through a Moodle outage, ERPNext rate limiting, random 5xx and lost answers, writing each result once', async () => {
  const [env, workflowBundle, moodleSandbox, erpSandbox] = await Promise.all([
    connectTestEnv(),
    bundleWorkflows(),
    // Moodle is down (503 + Retry-After) for the first 3 s. ERPNext allows 10 requests a second, fails
    // a tenth of them, and loses the answer to another tenth after carrying them out, so some writes
    // are retried although they happened: only the activities' look-before-retry keeps them single.
    startMoodleSandbox({ seed: 'demo', faults: { outageMs: 3_000, outageRetryAfterSeconds: 1 } }),
    startErpnextSandbox({ seed: 'demo', faults: { rateLimit: { perSecond: 10, retryAfterSeconds: 1 }, errorRate: 0.1, lostResponseRate: 0.1 } }),
  ]);
  try {
    const mapping = mappingSchema.parse({});
    const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
    const erp = createErpnextClient({ url: erpSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    const report = await withWorkers(env, { workflowBundle, ...createActivities({ moodle, erpnext: erp, mapping }) }, () =>
      env.client.workflow.execute(syncGrades, { workflowId: 'grades:test-faults', taskQueue: taskQueues.workflows, args: [{ settings: gradeSyncSettings(mapping) }] }),
    );

    expect(report.totals.failedCourses).toBe(0);
    expect(report.totals.created).toBeGreaterThan(0);
    // Faults off, then read the truth back: one result per student and plan, as many as reported.
    await fetch(`${erpSandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    const results = await erp.getList('Assessment Result', { fields: ['student', 'assessment_plan'], filters: [['docstatus', '<', 2]], limitPageLength: 0 });
    expect(results).toHaveLength(report.totals.created);
    expect(new Set(results.map((r) => `${r.student}|${r.assessment_plan}`)).size).toBe(results.length);
  } finally {
    await Promise.all([moodleSandbox.close(), erpSandbox.close()]);
    await env.close();
  }
});
