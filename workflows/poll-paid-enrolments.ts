import { skippedListLimit, batches } from '../src/shared/batches';
import { enrolmentReference, type ElectivesPolicy } from '../src/mapping/electives';
import { billingChecks, electiveStarts, seatChecks } from './money-activities';

export interface PollPaidEnrolmentsInput {
  policy: ElectivesPolicy;
}

export interface PaidCourseReport {
  idnumber: string;
  courseId: number;
  billing: 'erpnext' | 'moodle-fee';
  enrolments: number;
  /** erpnext: seats whose invoiceElective is running (started now, or joined). */
  running: number;
  /** erpnext: seats whose invoiceElective already completed. */
  alreadyCompleted: number;
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

/** Starts handed to one activity: each is one Temporal call, and the activity heartbeats between them. */
const startsPerActivity = 100;

/**
 * Stock Moodle 4.1 sends no webhooks, so this (from a Schedule) lists every enrolment of each
 * paid course and starts the seat's invoiceElective: the same id the webhook uses, so a seat the
 * webhook already billed is joined or skipped, never billed again. Unenrolments need no poll:
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
    const report: PaidCourseReport = { idnumber: roster.idnumber, courseId: roster.courseId, billing, enrolments: roster.userIds.length, running: 0, alreadyCompleted: 0, unattributable: 0, unattributableUsers: [] };
    if (billing === 'erpnext') {
      for (const part of batches(roster.userIds, startsPerActivity)) {
        const enrolments = part.map((moodleUserId) => ({ moodleUserId, moodleCourseId: roster.courseId }));
        const counted = await electiveStarts.temporalStartElectives({ enrolments, policy: input.policy });
        report.running += counted.running;
        report.alreadyCompleted += counted.alreadyCompleted;
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
