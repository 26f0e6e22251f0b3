import type { Client } from '@temporalio/client';
import type { Priority, SearchAttributePair } from '@temporalio/common';
import type { enrollCourse, withdrawCourse } from '../../workflows/course-enrollment';
import type { enrollProgram } from '../../workflows/enroll-program';
import type { onboardStudent } from '../../workflows/onboard-student';
import { studentChangedSignal, type StudentChange, type syncProfile } from '../../workflows/sync-profile';
import type { withdrawProgram } from '../../workflows/withdraw-program';
import type { LifecyclePolicy } from '../mapping/lifecycle-policy';
import { profileWorkflowStart } from '../common/profile-workflow-start';
import { studentRunAttributes } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { admissionPriority } from '../common/task-priorities';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';
import { startOnce, type StartedOnce } from './start-once';

/** An ERPNext change the lifecycle reacts to, as named by its webhook. */
export type LifecycleEvent =
  | { kind: 'student-created'; student: string }
  /**
   * `profileFingerprint`: of the Moodle-mirrored fields in the body (src/webhooks/student-profile.ts),
   * when the body carries them all; the profile workflow skips a save that left them as last synced.
   */
  | { kind: 'student-updated'; student: string; profileFingerprint?: string }
  | { kind: 'program-enrollment-submitted'; programEnrollment: string; student: string; program: string }
  /** `modified`: the cancelled version, part of the workflow id (see workflowIds.withdraw). */
  | { kind: 'program-enrollment-cancelled'; programEnrollment: string; student: string; program: string; modified: string }
  | { kind: 'course-enrollment-created'; courseEnrollment: string; student: string; course: string; programEnrollment: string }
  | { kind: 'course-enrollment-deleted'; courseEnrollment: string; student: string; course: string; programEnrollment: string };

export type StartedLifecycleWorkflow = StartedOnce;

/*
 * Each event's run is started once (start-once.ts): a re-sent after_insert must not onboard twice.
 * No id may be taken by a body that means "not yet": each id names an event that happens once
 * per document (insert, submit, trash), and every body is bound to its event (the contract), so
 * a replayed body can only repeat an event that already happened. Cancel is the exception a
 * stale or early body could hit (the workflow would find the document still submitted and
 * complete `not-cancelled`), so its id carries the cancelled version's `modified`.
 */

/** What starting the workflow of a one-off event takes; Program and Course changes carry their links. */
interface OnceOnlyStart {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  searchAttributes: SearchAttributePair[];
  /** Unset: the server's default. */
  priority?: Priority;
}

function onceOnlyStart(event: Exclude<LifecycleEvent, { kind: 'student-updated' }>, policy: LifecyclePolicy): OnceOnlyStart {
  switch (event.kind) {
    case 'student-created':
      return {
        workflowType: 'onboardStudent',
        workflowId: workflowIds.onboard(event.student),
        args: [{ studentId: event.student, policy }] satisfies Parameters<typeof onboardStudent>,
        searchAttributes: studentRunAttributes(syncKinds.onboard, event.student),
        priority: admissionPriority,
      };
    case 'program-enrollment-submitted':
      return {
        workflowType: 'enrollProgram',
        workflowId: workflowIds.enroll(event.programEnrollment),
        args: [{ programEnrollment: event.programEnrollment, student: event.student, policy }] satisfies Parameters<typeof enrollProgram>,
        searchAttributes: studentRunAttributes(syncKinds.enroll, event.student, event.program),
      };
    case 'program-enrollment-cancelled':
      return {
        workflowType: 'withdrawProgram',
        workflowId: workflowIds.withdraw(event.programEnrollment, event.modified),
        args: [{ programEnrollment: event.programEnrollment, policy }] satisfies Parameters<typeof withdrawProgram>,
        searchAttributes: studentRunAttributes(syncKinds.withdraw, event.student, event.program),
      };
    case 'course-enrollment-created':
    case 'course-enrollment-deleted': {
      const created = event.kind === 'course-enrollment-created';
      const { courseEnrollment, student, course, programEnrollment } = event;
      return {
        workflowType: created ? 'enrollCourse' : 'withdrawCourse',
        workflowId: workflowIds.courseEnrollment(courseEnrollment, created ? 'after_insert' : 'on_trash'),
        // Both workflows take the same input.
        args: [{ courseEnrollment, student, course, programEnrollment, policy }] satisfies Parameters<typeof enrollCourse | typeof withdrawCourse>,
        searchAttributes: studentRunAttributes(created ? syncKinds.courseEnrol : syncKinds.courseWithdraw, student),
      };
    }
  }
}

/**
 * Starts (or joins) the workflow for one ERPNext event and resolves once Temporal has durably
 * accepted it, which is when the gateway may answer 202.
 */
export async function startLifecycleWorkflow(client: Client, event: LifecycleEvent, policy: LifecyclePolicy): Promise<StartedLifecycleWorkflow> {
  const taskQueue = taskQueues.workflows;

  if (event.kind === 'student-updated') {
    // Every on_update is a new event: signal-with-start joins the student's running profile
    // workflow, which coalesces a burst of saves into one sync of the latest data.
    const start = profileWorkflowStart(event.student);
    await client.workflow.signalWithStart<typeof syncProfile, [StudentChange?]>('syncProfile', {
      ...start,
      args: [{ studentId: event.student }],
      signal: studentChangedSignal,
      signalArgs: event.profileFingerprint === undefined ? [] : [{ profileFingerprint: event.profileFingerprint }],
    });
    return { workflowId: start.workflowId, duplicate: false };
  }
  const { workflowType, workflowId, args, searchAttributes, priority } = onceOnlyStart(event, policy);
  return startOnce(client, workflowType, { workflowId, taskQueue, args, typedSearchAttributes: searchAttributes, priority });
}
