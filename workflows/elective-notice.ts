import type { ElectiveCourse } from '../src/mapping/electives';

const days = (ms: number) => Math.max(1, Math.round(ms / 86_400_000));

/** The Moodle message telling a student about an elective's invoice (plain text; Moodle's format 2). */
export function invoiceMessage(courseIdnumber: string, invoice: string, course: ElectiveCourse): string {
  const amount = `${course.rate}${course.currency ? ` ${course.currency}` : ''}`;
  return (
    `Your enrolment in ${courseIdnumber} is billed on invoice ${invoice} (${amount}, due in ${course.dueInDays} days). ` +
    `If it is still unpaid after ${days(course.paymentDeadline)} day(s), your place in the course is suspended until it is paid; your work is kept.`
  );
}
