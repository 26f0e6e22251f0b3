import { MockActivityEnvironment } from '@temporalio/testing';
import { activityCall } from '../../../activities/activity-call';
import { createRequestPacer } from '../../../src/http/request-pacer';
import { createMoodleClient } from '../../../src/moodle/client';

/*
 * One activity attempt sending thirty requests at once through a pacer, so that most of them wait
 * their turn on the attempt's one signal (attempt-deadline.test.ts reads this process's stderr).
 */
async function main(): Promise<void> {
  const moodle = createMoodleClient({ url: process.env.MOODLE_URL!, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: 100 }) });
  const answers = await new MockActivityEnvironment().run(async (): Promise<unknown[]> => {
    const call = activityCall();
    return Promise.all(Array.from({ length: 30 }, (_, i) => moodle.getUsersByField('idnumber', [`EDU-STU-2026-${String(i).padStart(5, '0')}`], call)));
  });
  console.log(`answered ${answers.length}`);
}

void main();
