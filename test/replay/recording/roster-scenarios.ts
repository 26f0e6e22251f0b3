import { mappingSchema } from '../../../src/config/mapping-file';
import { rosterWorkflowIds } from '../../../src/common/roster-ids';
import { taskQueues } from '../../../src/common/task-queues';
import { workflowIds } from '../../../src/common/workflow-ids';
import { demoAcademicYear } from '../../../sandboxes/demo-data';
import { completionSyncSettings } from '../../../src/starters/completion-sync';
import { resolveConflictUpdate } from '../../../workflows/onboard-student';
import type { syncCompletions } from '../../../workflows/sync-completions';
import { startLifecycleStack } from '../../lifecycle/lifecycle-stack';
import type { HistoryRecorder } from './history-recorder';
import { untilListed } from './workflow-waits';

/** The Moodle sandbox's control routes (a graded module, completion criteria, the completion cron). */
async function moodleControl(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/**
 * Issue 13's roster workflows on one lifecycle stack wired by `setup`: an instructor whose e-mail
 * belongs to another Moodle account parks `provisionTeacherAccount` until the operator's decision
 * (an update; its only path, so it is the type's `happy` run), and a completion sync of CS101
 * after a student met the course's completion criteria (the parent and its course child).
 */
export async function recordRoster(recorder: HistoryRecorder): Promise<void> {
  const mapping = mappingSchema.parse({ roster: { unenrolledStudents: 'enrol', teachers: { emailField: 'custom_email' } } });
  const stack = await startLifecycleStack({ mapping: { roster: mapping.roster } });
  try {
    const client = stack.temporal;
    const email = 'edsger.dijkstra@staff.cbu.example.edu';
    await stack.moodle.createUsers([{ username: 'edijkstra', firstname: 'Edsger', lastname: 'Dijkstra', email, idnumber: 'HR-0107', auth: 'manual', createpassword: true }]);
    const instructor = await stack.erp.insert<{ name: string }>('Instructor', { instructor_name: 'Edsger Dijkstra', custom_email: email });
    const groupName = `CS201 ${demoAcademicYear.name}`;
    const group = await stack.erp.getDoc<{ modified: string; instructors: { instructor: string }[] }>('Student Group', groupName);
    await stack.erp.update('Student Group', groupName, { instructors: [...group.instructors.map((row) => ({ instructor: row.instructor })), { instructor: instructor.name }], modified: group.modified });
    const parkedId = rosterWorkflowIds.teacherAccount(instructor.name);
    await untilListed(client, `WorkflowId = '${parkedId}' AND NeedsOperator = true`);
    await client.workflow.getHandle(parkedId).executeUpdate(resolveConflictUpdate, { args: [{ action: 'skip' }] });
    await client.workflow.getHandle(parkedId).result();
    await recorder.record(client, { workflowType: 'provisionTeacherAccount', scenario: 'happy', workflowId: parkedId });

    const [course] = (await stack.moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const [user] = await stack.moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    const { cmid } = (await moodleControl(stack.moodleSandbox.url, '/__sandbox/modules', { courseid: course.id, modname: 'assign', name: 'Final project' })) as { cmid: number };
    await moodleControl(stack.moodleSandbox.url, '/__sandbox/grades', { cmid, grades: [{ userid: user.id, grade: 90 }] });
    await moodleControl(stack.moodleSandbox.url, '/__sandbox/completion/criteria', { courseid: course.id, gradepass: 50 });
    // Moodle's completion cron marks the criterion on one pass and the course on the next.
    await moodleControl(stack.moodleSandbox.url, '/__sandbox/cron', {});
    await moodleControl(stack.moodleSandbox.url, '/__sandbox/cron', {});
    const workflowId = rosterWorkflowIds.completions('replay-happy');
    const run = await client.workflow.start<typeof syncCompletions>('syncCompletions', { workflowId, taskQueue: taskQueues.workflows, args: [{ course: 'CS101', settings: completionSyncSettings(mapping) }] });
    const report = await run.result();
    if (report.totals.created < 1) throw new Error(`${workflowId} wrote no completion: ${JSON.stringify(report.totals)}`);
    await recorder.record(client, { workflowType: 'syncCompletions', scenario: 'happy', workflowId });
    await recorder.record(client, { workflowType: 'syncCourseCompletions', scenario: 'happy', workflowId: workflowIds.courseSync(workflowId, 'CS101') });
  } finally {
    await stack.close();
  }
}
