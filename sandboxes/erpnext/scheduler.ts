import type { FastifyInstance } from 'fastify';
import type { Site } from './site';
import { str } from './store';

/**
 * The scheduled jobs the money flow meets. ERPNext's daily `update_invoice_status`
 * (erpnext/controllers/accounts_controller.py, from its source) turns submitted invoices with an
 * outstanding amount past their due date into "Overdue" by one bulk SQL UPDATE of `status`: no
 * document hooks, no webhooks, `modified` unchanged (305, 306). Real sites run it once a day; tests
 * run it with `POST /__sandbox/scheduler/update_invoice_status` or `runDailyInvoiceStatusUpdate`.
 */
export function runDailyInvoiceStatusUpdate(site: Site): string[] {
  return site.transaction(() => {
    const today = site.clock.today();
    const changed: string[] = [];
    for (const invoice of site.rows('Sales Invoice')) {
      const due = str(invoice.due_date);
      if (invoice.docstatus !== 1 || !(Number(invoice.outstanding_amount) > 0) || !due || due >= today) continue;
      const status = /Discounted$/.test(str(invoice.status)) ? 'Overdue and Discounted' : 'Overdue';
      if (invoice.status === status) continue;
      site.dbSetValue('Sales Invoice', str(invoice.name), { status }, { updateModified: false });
      changed.push(str(invoice.name));
    }
    return changed;
  });
}

/** Control route (outside the protocol): runs the daily job now and lists the invoices it changed. */
export async function schedulerRoutes(app: FastifyInstance, options: { site: Site }) {
  app.post('/__sandbox/scheduler/update_invoice_status', async () => ({ updated: runDailyInvoiceStatusUpdate(options.site) }));
}
