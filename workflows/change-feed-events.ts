import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import { getExternalWorkflowHandle, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { studentRunAttributes } from '../src/common/search-attributes';
import { syncKinds } from '../src/common/sync-kinds';
import type { FeedDocument, WatchedDoctype } from '../src/common/watched-doctypes';
import { workflowIds } from '../src/common/workflow-ids';
import { rosterRunAttributes, rosterTrigger, type RosterDoctype } from '../src/common/roster-ids';
import type { ProvisionAllInput } from './provision-all';
import type { CourseEnrollmentInput } from './course-enrollment';
import { studentChangedSignal } from './sync-profile';

/**
 * The run a webhook would have started for one event, as the gateway's starter
 * (src/starters/lifecycle-events.ts) makes it: the same workflow id, input and search attributes,
 * and reuse ALLOW_DUPLICATE_FAILED_ONLY. The feed starts it as an abandoned child (activities may
 * import no starter): a child's start is refused while a run with the id is going or has
 * completed, which is what the starter's USE_EXISTING and reuse policy come to.
 */
export type FeedStart =
  | { kind: 'once'; workflowType: string; workflowId: string; args: unknown[]; searchAttributes: SearchAttributePair[] }
  /** A Student save: signal-with-start of the per-student profile workflow. */
  | { kind: 'profile'; student: string; profileFingerprint?: string };

/** A Course Enrollment's on_trash: the feed finds it by comparison, with the links its enrol run had. */
export function courseWithdrawalStart(links: Omit<CourseEnrollmentInput, 'policy'>, policy: LifecyclePolicy): FeedStart {
  return {
    kind: 'once',
    workflowType: 'withdrawCourse',
    workflowId: workflowIds.courseEnrollment(links.courseEnrollment, 'on_trash'),
    args: [{ ...links, policy }],
    searchAttributes: studentRunAttributes(syncKinds.courseWithdraw, links.student),
  };
}

/**
 * What each watched DocType's webhooks would have started for a document in its listed state.
 * The feed sees states, not events: a Student with no Moodle link may have lost its after_insert;
 * a cancelled Program Enrollment is the cancel of that final version.
 */
/** What roster provisioning runs take from the mapping file (src/starters/roster-events.ts `rosterDefaults`). */
export type FeedRosterDefaults = Pick<ProvisionAllInput, 'settings' | 'studentRoleId' | 'auth' | 'conflictTimeoutMs'>;

/** A roster document's version: the run its webhook starts, with the same id (src/common/roster-ids.ts). */
function rosterStart(doctype: RosterDoctype) {
  return (doc: FeedDocument, _policy: LifecyclePolicy, roster?: FeedRosterDefaults): FeedStart[] => {
    if (!roster) return [];
    const { workflowId, filter } = rosterTrigger(doctype, doc);
    const input: ProvisionAllInput = { ...roster, dryRun: false, ...filter };
    return [{ kind: 'once', workflowType: 'provisionAll', workflowId, args: [input], searchAttributes: rosterRunAttributes(filter) }];
  };
}

export const feedStarts: Record<WatchedDoctype, (doc: FeedDocument, policy: LifecyclePolicy, roster?: FeedRosterDefaults) => FeedStart[]> = {
  Student: (doc, policy) => {
    const profile: FeedStart = { kind: 'profile', student: doc.name, profileFingerprint: doc.profileFingerprint };
    if (doc.moodleLinked) return [profile];
    const onboard: FeedStart = {
      kind: 'once',
      workflowType: 'onboardStudent',
      workflowId: workflowIds.onboard(doc.name),
      args: [{ studentId: doc.name, policy }],
      searchAttributes: studentRunAttributes(syncKinds.onboard, doc.name),
    };
    return [onboard, profile];
  },
  'Program Enrollment': (doc, policy) => {
    const student = doc.student ?? '';
    const args = [{ programEnrollment: doc.name, policy }];
    if (doc.docstatus === 1) {
      return [{ kind: 'once', workflowType: 'enrollProgram', workflowId: workflowIds.enroll(doc.name), args, searchAttributes: studentRunAttributes(syncKinds.enroll, student, doc.program) }];
    }
    if (doc.docstatus === 2) {
      return [{ kind: 'once', workflowType: 'withdrawProgram', workflowId: workflowIds.withdraw(doc.name, doc.modified), args, searchAttributes: studentRunAttributes(syncKinds.withdraw, student, doc.program) }];
    }
    return [];
  },
  'Course Enrollment': (doc, policy) => {
    const links = { courseEnrollment: doc.name, student: doc.student ?? '', course: doc.course ?? '', programEnrollment: doc.programEnrollment ?? '' };
    return [
      { kind: 'once', workflowType: 'enrollCourse', workflowId: workflowIds.courseEnrollment(doc.name, 'after_insert'), args: [{ ...links, policy }], searchAttributes: studentRunAttributes(syncKinds.courseEnrol, links.student) },
    ];
  },
  'Student Group': rosterStart('Student Group'),
  Instructor: rosterStart('Instructor'),
  Course: rosterStart('Course'),
  Program: rosterStart('Program'),
  'Course Schedule': rosterStart('Course Schedule'),
};

/** `caught`: no run had this id (no webhook started it); `handled`: one had; `signalled`: a profile save. */
export type FeedStartOutcome = 'caught' | 'handled' | 'signalled';

export async function startFeedRun(start: FeedStart): Promise<FeedStartOutcome> {
  if (start.kind === 'profile') {
    // Signal-with-start from a workflow: signal the running profile workflow, or start it (a new
    // run syncs once, as the signal would have made it).
    const workflowId = workflowIds.profile(start.student);
    try {
      await startChild('syncProfile', {
        workflowId,
        args: [{ studentId: start.student, ...(start.profileFingerprint === undefined ? {} : { change: { profileFingerprint: start.profileFingerprint } }) }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: studentRunAttributes(syncKinds.profile, start.student),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await getExternalWorkflowHandle(workflowId).signal(studentChangedSignal, ...(start.profileFingerprint === undefined ? [] : [{ profileFingerprint: start.profileFingerprint }]));
    }
    return 'signalled';
  }
  try {
    await startChild(start.workflowType, {
      workflowId: start.workflowId,
      args: start.args,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: start.searchAttributes,
    });
    return 'caught';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'handled';
    throw err;
  }
}
