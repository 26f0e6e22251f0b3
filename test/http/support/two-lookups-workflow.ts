import { proxyActivities } from '@temporalio/workflow';

/**
 * One activity attempt with a 3 s start-to-close and no retry, on the moodle queue, so the
 * attempt deadline test sees a single attempt end (test/http/attempt-deadline-worker.test.ts).
 */
const { lookUpTwoStudents } = proxyActivities<{ lookUpTwoStudents(): Promise<void> }>({
  taskQueue: 'moodle',
  startToCloseTimeout: '3s',
  retry: { maximumAttempts: 1 },
});

export async function twoLookupsWorkflow(): Promise<void> {
  await lookUpTwoStudents();
}
