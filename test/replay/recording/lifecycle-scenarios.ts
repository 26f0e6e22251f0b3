import { mappingSchema } from '../../../src/config/mapping-file';
import { lifecyclePolicy } from '../../../src/mapping/lifecycle-policy';
import { workflowIds } from '../../../src/common/workflow-ids';
import { startLifecycleWorkflow } from '../../../src/starters/lifecycle-events';
import { demoStudents } from '../../../sandboxes/demo-data';
import { conflictQuery, resolveConflictUpdate, type ConflictDecision, type IdentityConflict } from '../../../workflows/onboard-student';
import { profileStateQuery } from '../../../workflows/sync-profile';
import { admitWithLateEnrolmentEvents } from '../../lifecycle/late-admission';
import { startLifecycleStack, type LifecycleStack } from '../../lifecycle/lifecycle-stack';
import type { Scenario } from '../history-fixtures';
import type { HistoryRecorder } from './history-recorder';
import { setFaults, until, untilCompleted, untilListed, untilProfileSynced } from './workflow-waits';
import { submitProgramEnrollment } from '../../support/program-enrollment';

/**
 * The lifecycle workflows as production starts them: ERPNext sandbox writes fire the signed
 * webhooks `setup` created, the gateway starts the workflows, the real activities run against
 * both sandboxes. One student goes through everything without a fault, one with Moodle down
 * at the start of every step, and two onboardings park on identity conflicts.
 */
export async function recordLifecycleHistories(recorder: HistoryRecorder): Promise<void> {
  const stack = await startLifecycleStack();
  try {
    await studentLifecycle(stack, recorder, 'happy', 'replay.happy');
    await studentLifecycle(stack, recorder, 'retry', 'replay.retry');
    await conflictResolvedByLink(stack, recorder);
    await conflictResolvedBySkip(stack, recorder);
  } finally {
    await stack.close();
  }
}

/** Long enough that each step's first Moodle call fails and is retried (each 503 says Retry-After: 1). */
const moodleOutageMs = 3_000;

/**
 * Admit, submit a Program Enrollment, add and remove an elective Course Enrollment, edit the
 * profile, cancel the Program Enrollment; each workflow's history recorded as `scenario`.
 */
async function studentLifecycle(stack: LifecycleStack, recorder: HistoryRecorder, scenario: 'happy' | 'retry', emailLocalPart: string): Promise<void> {
  const { client } = stack.env;
  const step = async <T>(act: () => Promise<T>): Promise<T> => {
    if (scenario === 'retry') await setFaults(stack.moodleSandbox.url, { outageMs: moodleOutageMs, outageRetryAfterSeconds: 1 });
    return act();
  };
  const completed = async (workflowType: string, workflowId: string, as: Scenario = scenario) => {
    await untilCompleted(client, workflowId);
    await recorder.record(client, { workflowType, scenario: as, workflowId });
  };

  const { name: student } = await step(() =>
    stack.erp.insert('Student', { first_name: 'Ada', last_name: scenario === 'happy' ? 'Lovelace' : 'Byron', student_email_id: `${emailLocalPart}@students.cbu.example`, city: 'London' }),
  );
  await completed('onboardStudent', workflowIds.onboard(student));
  // The Moodle user id write-back fires on_update, which starts the student's profile workflow.
  let lastSync = await untilProfileSynced(client, student, null);

  const { name: programEnrollment } = await step(() =>
    submitProgramEnrollment(stack.erp, student, 'BSc Nursing'),
  );
  await completed('enrollProgram', workflowIds.enroll(programEnrollment));
  if (scenario === 'happy') {
    // Education made one Course Enrollment per program course; their workflows defer to enrollProgram.
    const [generated] = await stack.erp.getList('Course Enrollment', { fields: ['name'], filters: [['program_enrollment', '=', programEnrollment]] });
    await completed('enrollCourse', workflowIds.courseEnrollment(String(generated.name), 'after_insert'), 'covered');
  }

  // An elective outside the program: a single-course change the Course Enrollment workflows act on.
  const { name: elective } = await step(() => stack.erp.insert('Course Enrollment', { student, course: 'PHO150', program_enrollment: programEnrollment, enrollment_date: '2026-09-01' }));
  await completed('enrollCourse', workflowIds.courseEnrollment(elective, 'after_insert'));

  await step(() => stack.erp.update('Student', student, { city: 'Bristol' }));
  lastSync = await untilProfileSynced(client, student, lastSync);
  await recorder.record(client, { workflowType: 'syncProfile', scenario, workflowId: workflowIds.profile(student) });

  await step(() => stack.erp.delete('Course Enrollment', elective));
  await completed('withdrawCourse', workflowIds.courseEnrollment(elective, 'on_trash'));

  await step(() => stack.erp.cancel('Program Enrollment', programEnrollment));
  // Found by visibility rather than spelled here: the withdrawal's id carries the cancelled version's stamp.
  await completed('withdrawProgram', await untilListed(client, `WorkflowType = 'withdrawProgram' AND StudentId = '${student}'`));
}

/** Starts an onboarding (`start` answers its workflow id), waits for it to park on a conflict, and gives the operator's decision. */
async function parkAndDecide(stack: LifecycleStack, start: () => Promise<string>, decide: (conflict: IdentityConflict) => ConflictDecision): Promise<string> {
  const { client } = stack.env;
  const workflowId = await start();
  const handle = client.workflow.getHandle(workflowId);
  const conflict = await until(`${workflowId} to park`, () => handle.query(conflictQuery), (c) => c !== null);
  if (conflict === null) throw new Error(`${workflowId} did not park`);
  await handle.executeUpdate(resolveConflictUpdate, { args: [decide(conflict)] });
  await untilCompleted(client, workflowId);
  return workflowId;
}

/**
 * The demo student whose email is on an account carrying a former student's idnumber
 * (email-taken), started as the gateway starts an after_insert; the operator links that account.
 */
async function conflictResolvedByLink(stack: LifecycleStack, recorder: HistoryRecorder): Promise<void> {
  const student = demoStudents.find((s) => s.moodle === 'conflicting-idnumber');
  if (!student) throw new Error('the demo seed has no conflicting-idnumber student');
  const start = async () => (await startLifecycleWorkflow(stack.env.client, { kind: 'student-created', student: student.name }, lifecyclePolicy(mappingSchema.parse({})))).workflowId;
  const workflowId = await parkAndDecide(stack, start, (conflict) => ({ action: 'link', moodleUserId: conflict.candidates[0].id }));
  await recorder.record(stack.env.client, { workflowType: 'onboardStudent', scenario: 'conflict', workflowId });
}

/** A new Student whose email a hand-made account with another idnumber holds (email-taken); the operator skips it. */
async function conflictResolvedBySkip(stack: LifecycleStack, recorder: HistoryRecorder): Promise<void> {
  const email = 'replay.skip@students.cbu.example';
  const start = async () => {
    await stack.moodle.createUsers([{ username: 'replayskip', password: 'Replay-skip-2026!', firstname: 'Grace', lastname: 'Hopper', email, idnumber: 'EDU-STU-2024-00001' }]);
    // The insert's webhook makes the gateway start the onboarding.
    const { name } = await stack.erp.insert('Student', { first_name: 'Grace', last_name: 'Hopper', student_email_id: email });
    return workflowIds.onboard(name);
  };
  const workflowId = await parkAndDecide(stack, start, () => ({ action: 'skip' }));
  await recorder.record(stack.env.client, { workflowType: 'onboardStudent', scenario: 'conflict-skip', workflowId });
}

/**
 * A burst's admission (test/lifecycle/late-admission.ts): its Program Enrollment's and one Course
 * Enrollment's events delivered after the onboarding completed, answered from what it covered.
 */
export async function recordLateAdmissionEvents(recorder: HistoryRecorder): Promise<void> {
  const stack = await startLifecycleStack();
  try {
    const { client } = stack.env;
    const admission = await admitWithLateEnrolmentEvents(stack, 'replay.late');
    await untilCompleted(client, workflowIds.onboard(admission.student));
    await admission.deliverEnrolmentEvents();
    const [courseEnrollment] = admission.courseEnrollments;
    if (!courseEnrollment) throw new Error('Education made no Course Enrollment for the Program Enrollment');
    for (const [workflowType, workflowId] of [
      ['enrollProgram', workflowIds.enroll(admission.programEnrollment)],
      ['enrollCourse', workflowIds.courseEnrollment(courseEnrollment.name, 'after_insert')],
    ] as const) {
      await untilCompleted(client, workflowId);
      await recorder.record(client, { workflowType, scenario: 'after-onboarding', workflowId });
    }
  } finally {
    await stack.close();
  }
}

/** Each Moodle call this slow holds an onboarding (four calls or more) well past the profile's 1 s settle. */
const slowMoodleMs = 1_500;

/**
 * A new admission's own save (the insert fires on_update too) settling while its onboarding still
 * runs, as in a burst: the profile asks how the onboarding stands, finds it running and leaves the
 * account to it (`profile-waits-for-onboarding-baseline`), then takes the baseline it shares.
 */
export async function recordProfileDuringOnboarding(recorder: HistoryRecorder): Promise<void> {
  const stack = await startLifecycleStack();
  try {
    const { client } = stack.env;
    await setFaults(stack.moodleSandbox.url, { latencyMs: slowMoodleMs });
    const { name: student } = await stack.erp.insert('Student', { first_name: 'Emmy', last_name: 'Noether', student_email_id: 'replay.during@students.cbu.example', city: 'Erlangen' });
    const first = await untilProfileSynced(client, student, null);
    if (first.outcome !== 'no-moodle-account') throw new Error(`the profile's first sync was ${first.outcome}, not left to the running onboarding`);
    await setFaults(stack.moodleSandbox.url, {});
    await untilCompleted(client, workflowIds.onboard(student));
    const handle = client.workflow.getHandle(workflowIds.profile(student));
    // Onboarding's baseline signal, then the write-back's on_update recognised as unchanged.
    await until('the write-back save recognised', () => handle.query(profileStateQuery), (state) => state.unchangedSaves > 0);
    await recorder.record(client, { workflowType: 'syncProfile', scenario: 'during-onboarding', workflowId: workflowIds.profile(student) });
  } finally {
    await stack.close();
  }
}
