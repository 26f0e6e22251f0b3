import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { registrationFeeChangedSignal } from '../../workflows/fee-gate';
import { electiveInvoiceChangedSignal } from '../../workflows/invoice-elective';
import { workflowIds } from '../common/workflow-ids';

/** A Sales Invoice's on_change, as its webhook names it (see the contract). */
export interface InvoiceChange {
  invoice: string;
  student: string | null;
  /** `custom_moodle_enrolment`: `moodle:<user>:<course>` for an elective seat's invoice. */
  moodleEnrolment: string | null;
  docstatus: number;
  outstanding: number;
}

export interface SignalledInvoiceChange {
  /** The run that was woken, or the one that would have been. */
  workflowId: string;
  duplicate: false;
  /** No such run is waiting: nothing to wake (the change needs no workflow of its own). */
  ignored?: true;
}

/** The seat reference written by billing (src/mapping/electives.ts enrolmentReference). */
const seatReference = /^moodle:(\d+):(\d+)$/;

/**
 * Wakes the run waiting on this invoice; it re-reads the invoice, so a stale or repeated delivery
 * only costs a re-read. An elective's invoice wakes its seat's `invoiceElective` on every change
 * (payment, cancellation); any other invoice of a Student wakes that Student's onboarding once it
 * is paid (submitted, nothing outstanding), which is what its registration-fee gate waits for.
 * Changes no run waits for are ignored: the periodic re-reads and the change feed cover the rest.
 */
export async function signalInvoiceChange(client: Client, change: InvoiceChange): Promise<SignalledInvoiceChange> {
  const seat = change.moodleEnrolment ? seatReference.exec(change.moodleEnrolment) : null;
  if (seat) return wake(client, workflowIds.elective(Number(seat[1]), Number(seat[2])), electiveInvoiceChangedSignal);
  if (!change.student) return { workflowId: '', duplicate: false, ignored: true };
  const workflowId = workflowIds.onboard(change.student);
  if (change.docstatus !== 1 || change.outstanding > 0) return { workflowId, duplicate: false, ignored: true };
  return wake(client, workflowId, registrationFeeChangedSignal);
}

async function wake(client: Client, workflowId: string, signal: SignalDefinition<[]>): Promise<SignalledInvoiceChange> {
  try {
    await client.workflow.getHandle(workflowId).signal(signal);
    return { workflowId, duplicate: false };
  } catch (err) {
    // Not found also covers a run that has already completed.
    if (err instanceof WorkflowNotFoundError) return { workflowId, duplicate: false, ignored: true };
    throw err;
  }
}
