import { z } from 'zod';
import type { ErpnextClient } from '../client';

/** ERPNext's Payment Entry: only what recording a payment reads back. */
const paymentEntryRowSchema = z.looseObject({ name: z.string().min(1), docstatus: z.number().int() });

/** DocType `Payment Entry`. */
export function createPaymentEntries(erp: ErpnextClient) {
  return {
    /** Submitted Payment Entries allocated to the invoice (child table `Payment Entry Reference`). */
    submittedFor: (invoice: string) =>
      erp.getList('Payment Entry', {
        fields: ['name', 'docstatus'],
        filters: [
          ['Payment Entry Reference', 'reference_name', '=', invoice],
          ['docstatus', '=', 1],
        ],
        limitPageLength: 0,
        schema: paymentEntryRowSchema,
      }),

    /**
     * Receives the invoice's outstanding amount into `account` and submits it. ERPNext's own
     * `get_payment_entry` builds the unsaved entry (party, accounts, the reference row; capture
     * 257); the reference number is required for Bank accounts (268), so it names the source.
     */
    async receiveOutstanding(invoice: string, options: { account: string; reference: string; date: string }): Promise<string> {
      const draft = z
        .record(z.string(), z.unknown())
        .parse(await erp.callMethod('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoice }));
      const entry = await erp.insert('Payment Entry', {
        ...draft,
        paid_to: options.account,
        reference_no: options.reference,
        reference_date: options.date,
        docstatus: 1,
      });
      return entry.name;
    },
  };
}
