import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { enrolmentReference, type ElectivesPolicy } from '../src/mapping/electives';
import { skippedListLimit } from '../src/common/batches';
import { SyncKind } from '../src/common/search-attributes';
import { syncKinds } from '../src/common/sync-kinds';
import { workflowIds } from '../src/common/workflow-ids';
import { invoiceElective } from './invoice-elective';
import { billingChecks, seatChecks } from './money-activities';

export interface PollPaidEnrolmentsInput {
  policy: ElectivesPolicy;
}

export interface PaidCourseReport {
  idnumber: string;
  courseId: number;
  billing: 'erpnext' | 'moodle-fee';
  enrolments: number;
  /** erpnext: seats whose invoiceElective this poll started (the webhook missed them, or none was sent). */
  started: number;
  /** erpnext: seats whose invoiceElective the webhook (or an earlier poll) already started; running or done. */
  alreadyHandled: number;
  /** moodle-fee: enrolments no fee event vouched for (no invoice records them), counted in full. */
  unattributable: number;
  /** The first few unattributable Moodle user ids, for finance to look at. */
  unattributableUsers: number[];
}

export interface PollPaidEnrolmentsResult {
  courses: PaidCourseReport[];
  /** Mapped paid courses with no Moodle course of that idnumber. */
  missingCourses: string[];
}

/**
 * Stock Moodle 4.1 sends no webhooks, so this (from a Schedule) lists every enrolment of each
 * paid course and starts the seat's invoiceElective: the same id the webhook uses, so a seat the
 * webhook already started is left to that run, never billed again. Unenrolments need no poll:
 * each waiting run re-checks its own seat. For moodle-fee courses the enrolment lists show a fee
 * enrolment like a manual one (captures 302, 303), so nothing is billed from here; enrolments no
 * fee event recorded are reported instead.
 */
export async function pollPaidEnrolments(input: PollPaidEnrolmentsInput): Promise<PollPaidEnrolmentsResult> {
  const idnumbers = Object.keys(input.policy.courses);
  const rosters = await seatChecks.moodlePaidCourseRosters({ idnumbers });
  const courses: PaidCourseReport[] = [];
  for (const roster of rosters) {
    const billing = input.policy.courses[roster.idnumber]!.billing;
    const report: PaidCourseReport = { idnumber: roster.idnumber, courseId: roster.courseId, billing, enrolments: roster.userIds.length, started: 0, alreadyHandled: 0, unattributable: 0, unattributableUsers: [] };
    if (billing === 'erpnext') {
      for (const moodleUserId of roster.userIds) {
        if (await startSeat(moodleUserId, roster.courseId, input.policy)) report.started += 1;
        else report.alreadyHandled += 1;
      }
    } else {
      const references = roster.userIds.map((userId) => enrolmentReference(userId, roster.courseId));
      const unbilled = new Set(await billingChecks.erpnextUnbilledReferences({ references }));
      const users = roster.userIds.filter((userId) => unbilled.has(enrolmentReference(userId, roster.courseId)));
      report.unattributable = users.length;
      report.unattributableUsers = users.slice(0, skippedListLimit);
    }
    courses.push(report);
  }
  const found = new Set(rosters.map((roster) => roster.idnumber));
  return { courses, missingCourses: idnumbers.filter((idnumber) => !found.has(idnumber)) };
}

/**
 * Starts the seat's run as a child the poll abandons (it lives on after the poll completes), with
 * the id and reuse policy the webhook's starter uses (src/starters/elective-events.ts): an id
 * already running or completed refuses the start, so the seat is billed by whichever came first.
 * Children have no USE_EXISTING; the refusal is the join.
 */
async function startSeat(moodleUserId: number, moodleCourseId: number, policy: ElectivesPolicy): Promise<boolean> {
  try {
    await startChild(invoiceElective, {
      workflowId: workflowIds.elective(moodleUserId, moodleCourseId),
      args: [{ moodleUserId, moodleCourseId, trigger: 'poll', policy }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [{ key: SyncKind, value: syncKinds.elective }],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
