import { frappeRaise } from './frappe-errors';

/**
 * `Document.check_docstatus_transition`: which saves a stored docstatus allows. Frappe raises
 * these without a msgprint, so the body has an `exception` and no `_server_messages` (156, 165,
 * 168, 169, 173); editing or cancelling a cancelled document is a plain ValidationError.
 */
const label: Record<number, string> = { 0: 'Draft', 1: 'Submitted', 2: 'Cancelled' };

export function checkDocstatusTransition(from: number, to: number) {
  if (from === 2) frappeRaise('ValidationError', 'Cannot edit cancelled document');
  if ((from === 1 && to === 0) || (from === 0 && to === 2)) {
    frappeRaise('DocstatusTransitionError', `Cannot change docstatus from ${from} (${label[from]}) to ${to} (${label[to]})`);
  }
}
