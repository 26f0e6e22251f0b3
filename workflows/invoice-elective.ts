import { condition, continueAsNew, defineQuery, defineSignal, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BillingParty, WithdrawalAction } from '../activities/erpnext-billing';
import { enrolmentReference, invoicePaysForSeat, type ElectiveCourse, type ElectivesPolicy, type InvoiceState } from '../src/mapping/electives';
import { StudentId, WaitingOn } from '../src/common/search-attributes';
import { billing, billingChecks, seatChecks, seats } from './money-activities';
import { invoiceMessage } from './elective-notice';

export interface InvoiceElectiveInput {
  moodleUserId: number;
  moodleCourseId: number;
  /** Which path saw the enrolment first (the other one joins this run). */
  trigger: 'webhook' | 'poll';
  /** The enrolment plugin when the event named it (`other.enrol`): `fee` is a Moodle payment. */
  enrol?: string;
  policy: ElectivesPolicy;
  /** Carried over continue-as-new while waiting for payment. */
  waiting?: PaymentWait;
}

/** What a wait for payment carries across continue-as-new. */
export interface PaymentWait {
  invoice: string;
  /** Epoch ms after which an unpaid seat is suspended. */
  deadlineAt: number;
  suspendedByBridge: boolean;
  unenrolled: boolean;
}

export type InvoiceElectiveOutcome =
  /** The course is not a paid elective. */
  | 'not-elective'
  /** The Moodle user has no Student (no idnumber, or no Student of that name): reported, not billed. */
  | 'no-student'
  /** The event was stale: the user holds no seat any more. */
  | 'not-enrolled'
  /** A moodle-fee course enrolment no fee event vouches for: reported for finance, not billed. */
  | 'unattributable'
  /** moodle-fee: Moodle's payment recorded as a paid invoice. */
  | 'recorded'
  | 'paid'
  | 'withdrawn'
  /** Finance deleted or cancelled the invoice: nothing left to wait for. */
  | 'invoice-gone';

export interface InvoiceElectiveResult {
  outcome: InvoiceElectiveOutcome;
  courseIdnumber?: string;
  student?: string;
  invoice?: string;
  /** True when the seat was suspended for non-payment at some point (and reinstated if paid). */
  suspended?: boolean;
  withdrawal?: WithdrawalAction;
  creditNote?: string;
}

/** Wakes a waiting run: the invoice changed (its on_change webhook); the run re-reads it. */
export const electiveInvoiceChangedSignal = defineSignal('electiveInvoiceChanged');
/** The student left the course (user_enrolment_deleted). */
export const electiveUnenrolledSignal = defineSignal('electiveUnenrolled');
export const electiveWaitQuery = defineQuery<PaymentWait | null>('electiveWait');

/**
 * A Moodle enrolment in a paid elective, billed once: one run per (user, course), which both the
 * webhook and the poll start. Resolves the course and the Student, finds or creates the invoice,
 * notifies, then waits for payment: woken by the invoice's webhook and re-reading it every
 * `checkInterval` (the nightly Overdue update fires nothing). Past the deadline unpaid, the seat
 * is suspended (grades kept); paid later, reinstated. Leaving the course withdraws the invoice.
 */
export async function invoiceElective(input: InvoiceElectiveInput): Promise<InvoiceElectiveResult> {
  const signals = { woken: false, unenrolled: input.waiting?.unenrolled ?? false };
  setHandler(electiveInvoiceChangedSignal, () => void (signals.woken = true));
  setHandler(electiveUnenrolledSignal, () => void (signals.unenrolled = true));
  let wait: PaymentWait | null = input.waiting ?? null;
  setHandler(electiveWaitQuery, () => wait);

  const courseIdnumber = await seats.moodleCourseIdnumber({ courseId: input.moodleCourseId });
  const course = courseIdnumber === null ? undefined : input.policy.courses[courseIdnumber];
  if (!course || courseIdnumber === null) return { outcome: 'not-elective', courseIdnumber: courseIdnumber ?? undefined };
  if (course.billing === 'moodle-fee' && input.enrol !== 'fee') return { outcome: 'unattributable', courseIdnumber };

  const studentId = await seats.moodleUserIdnumber({ userId: input.moodleUserId });
  const party = studentId === null ? null : await billing.erpnextBillingParty({ studentId });
  if (!party) return { outcome: 'no-student', courseIdnumber };
  upsertSearchAttributes([{ key: StudentId, value: party.student }]);
  const reference = enrolmentReference(input.moodleUserId, input.moodleCourseId);
  const today = new Date(Date.now()).toISOString().slice(0, 10);

  if (course.billing === 'moodle-fee') {
    const { invoice } = await billing.erpnextEnsureElectiveInvoice({ reference, party, course, company: input.policy.company, today });
    await billing.erpnextSubmitInvoice({ invoice: invoice.name });
    await billing.erpnextRecordMoodlePayment({ invoice: invoice.name, account: course.paymentAccount!, reference, today });
    return { outcome: 'recorded', courseIdnumber, student: party.student, invoice: invoice.name };
  }

  if (!wait) {
    if (!signals.unenrolled && (await seats.moodleSeat({ userId: input.moodleUserId, courseId: input.moodleCourseId })) === 'none') {
      return { outcome: 'not-enrolled', courseIdnumber, student: party.student };
    }
    const invoice = await bill(reference, party, course, courseIdnumber, input, today);
    wait = { invoice: invoice.name, deadlineAt: Date.now() + course.paymentDeadline, suspendedByBridge: false, unenrolled: signals.unenrolled };
  }
  const result = await awaitPayment(wait, course, input, signals);
  return { courseIdnumber, student: party.student, invoice: wait.invoice, ...result };
}

/** Finds or creates the invoice, submits it per policy and tells the student, once per new invoice. */
async function bill(reference: string, party: BillingParty, course: ElectiveCourse, courseIdnumber: string, input: InvoiceElectiveInput, today: string): Promise<InvoiceState> {
  const ensured = await billing.erpnextEnsureElectiveInvoice({ reference, party, course, company: input.policy.company, today });
  const invoice = course.submit && ensured.invoice.docstatus === 0 ? await billing.erpnextSubmitInvoice({ invoice: ensured.invoice.name }) : ensured.invoice;
  if (ensured.created) {
    const text = invoiceMessage(courseIdnumber, invoice.name, course);
    if (course.notify.includes('moodle-message')) await seats.moodleSendMessage({ userId: input.moodleUserId, text, clientmsgid: invoice.name.replace(/[^A-Za-z0-9_-]/g, '') });
    if (course.notify.includes('erpnext-email') && party.email) await billing.erpnextEmailInvoice({ invoice: invoice.name, recipient: party.email, item: course.item });
  }
  return invoice;
}

async function awaitPayment(
  wait: PaymentWait,
  course: ElectiveCourse,
  input: InvoiceElectiveInput,
  signals: { woken: boolean; unenrolled: boolean },
): Promise<Omit<InvoiceElectiveResult, 'courseIdnumber' | 'student' | 'invoice'>> {
  const seat = { userId: input.moodleUserId, courseId: input.moodleCourseId };
  upsertSearchAttributes([{ key: WaitingOn, value: 'payment' }]);
  for (;;) {
    wait.unenrolled ||= signals.unenrolled;
    if (wait.unenrolled || (await seatChecks.moodleSeat(seat)) === 'none') {
      const withdrawn = await billing.erpnextWithdrawInvoice({ invoice: wait.invoice, withdrawal: course.withdrawal });
      return done({ outcome: 'withdrawn', suspended: wait.suspendedByBridge, withdrawal: withdrawn.action, creditNote: withdrawn.creditNote });
    }
    const invoice = await billingChecks.erpnextInvoiceState({ invoice: wait.invoice });
    if (invoice === null || invoice.docstatus === 2) return done({ outcome: 'invoice-gone', suspended: wait.suspendedByBridge });
    if (invoicePaysForSeat(invoice, course.partlyPaid)) {
      if (wait.suspendedByBridge) await seats.moodleSetSeatSuspended({ ...seat, roleId: input.policy.studentRoleId, suspended: false });
      return done({ outcome: 'paid', suspended: wait.suspendedByBridge });
    }
    const untilDeadline = wait.deadlineAt - Date.now();
    if (untilDeadline <= 0 && !wait.suspendedByBridge) {
      await seats.moodleSetSeatSuspended({ ...seat, roleId: input.policy.studentRoleId, suspended: true });
      wait.suspendedByBridge = true;
    }
    const sleep = untilDeadline > 0 ? Math.min(untilDeadline, input.policy.checkIntervalMs) : input.policy.checkIntervalMs;
    await condition(() => signals.woken || signals.unenrolled, sleep);
    signals.woken = false;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof invoiceElective>({ ...input, waiting: { ...wait, unenrolled: wait.unenrolled || signals.unenrolled } });
    }
  }
}

function done<T>(result: T): T {
  upsertSearchAttributes([{ key: WaitingOn, value: null }]);
  return result;
}
