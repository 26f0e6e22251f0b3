import { condition, defineQuery, defineSignal, defineUpdate, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RegistrationFeePolicy } from '../src/mapping/registration-fee';
import { WaitingOn } from '../src/common/search-attributes';
import { billingChecks } from './money-activities';

/** What a gated onboarding shows while it waits (the `feeGate` query). */
export interface FeeGateWait {
  studentId: string;
  /** The registration-fee invoice found so far, if any. */
  invoice: string | null;
  /** ISO time the wait began. */
  since: string;
}

export type FeeGateOutcome = 'not-required' | 'paid' | 'released';

/** Wakes the wait: the invoice changed (its on_change webhook, the change feed); the gate re-reads it. */
export const registrationFeeChangedSignal = defineSignal('registrationFeeChanged');
/** An operator lets the student in unpaid (admin API); the reason goes into history. */
export const releaseFeeGateUpdate = defineUpdate<'released', [{ reason: string }]>('releaseFeeGate');
export const feeGateQuery = defineQuery<FeeGateWait | null>('feeGate');

/**
 * Onboarding's registration-fee gate (`onboarding.requirePaidFee`): nothing is created in Moodle
 * until the Student's registration-fee invoice is paid. Waits durably with `WaitingOn = "fee"`,
 * woken by a signal and re-reading the invoices every `checkIntervalMs` (a payment's webhook can
 * be lost, and Overdue fires none); an operator may release it. Call at the start of the workflow,
 * before anything is written.
 */
export async function awaitRegistrationFee(studentId: string, policy: RegistrationFeePolicy | undefined): Promise<FeeGateOutcome> {
  if (!policy?.requirePaidFee) return 'not-required';
  const state = { woken: false, released: false, wait: null as FeeGateWait | null };
  setHandler(registrationFeeChangedSignal, () => void (state.woken = true));
  setHandler(feeGateQuery, () => state.wait);
  setHandler(
    releaseFeeGateUpdate,
    () => {
      state.released = true;
      return 'released' as const;
    },
    {
      validator: ({ reason }) => {
        if (!state.wait) throw new Error('this onboarding is not waiting for the registration fee');
        if (!reason?.trim()) throw new Error('reason: say why the student is let in unpaid');
      },
    },
  );
  for (;;) {
    const fee = await billingChecks.erpnextRegistrationFee({ studentId, item: policy.feeItem });
    if (fee.paid) return leave(state, 'paid');
    showFeeWait();
    state.wait = { studentId, invoice: fee.invoice, since: state.wait?.since ?? new Date(Date.now()).toISOString() };
    await condition(() => state.woken || state.released, policy.checkIntervalMs);
    state.woken = false;
    if (state.released) return leave(state, 'released');
  }
}

/*
 * WaitingOn is shared with the activity waits (workflows/waiting-on.ts), which show `erpnext` while
 * the fee read retries through an outage and clear the attribute when it gets through. So the gate
 * shows `fee` again after every read, and clears the attribute only while it shows its own value.
 */
const feeWait = 'fee';
const shownWait = () => workflowInfo().typedSearchAttributes.get(WaitingOn) ?? null;

function showFeeWait(): void {
  if (shownWait() !== feeWait) upsertSearchAttributes([{ key: WaitingOn, value: feeWait }]);
}

function leave(state: { wait: FeeGateWait | null }, outcome: FeeGateOutcome): FeeGateOutcome {
  if (state.wait && shownWait() === feeWait) upsertSearchAttributes([{ key: WaitingOn, value: null }]);
  state.wait = null;
  return outcome;
}
