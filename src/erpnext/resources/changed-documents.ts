import { z } from 'zod';
import type { CallOptions, ErpnextClient } from '../client';

/** Names per `name in (…)` filter: a POSTed get_list keeps long filters out of the URL. */
const namesPerList = 200;

const changedRowSchema = z.looseObject({ name: z.string(), modified: z.string() });
export type ChangedRow = z.infer<typeof changedRowSchema>;

/**
 * Any DocType read by its `modified` stamp, for the change feed. Frappe writes `modified` on every
 * save (insert, update, submit, cancel) as `YYYY-MM-DD HH:MM:SS.ffffff` in the site's time zone,
 * so the text compares in time order and filters as given.
 */
export function createChangedDocuments(erp: ErpnextClient) {
  return {
    /**
     * One page of documents modified at or after `since`, oldest first, ties by name: a stable
     * order, so the caller pages by the last row's stamp (keyset) rather than by an offset that
     * shifts when a document is saved meanwhile. `skip` passes over the rows at exactly `since`
     * the caller already has.
     */
    async page(doctype: string, params: { since: string | null; skip: number; limit: number; fields: string[] }, call?: CallOptions): Promise<ChangedRow[]> {
      return erp.getList(
        doctype,
        {
          fields: ['name', 'modified', ...params.fields],
          filters: params.since === null ? [] : [['modified', '>=', params.since]],
          orderBy: 'modified asc, name asc',
          limitStart: params.skip,
          limitPageLength: params.limit,
          schema: changedRowSchema,
        },
        call,
      );
    },

    /** The newest `modified` of a DocType, or null when it has no documents. */
    async newestModified(doctype: string, call?: CallOptions): Promise<string | null> {
      const [row] = await erp.getList(doctype, { fields: ['name', 'modified'], orderBy: 'modified desc, name desc', limitPageLength: 1, schema: changedRowSchema }, call);
      return row?.modified ?? null;
    },

    /** Which of these names still exist (a deleted document leaves no row), by POSTed get_list. */
    async existingNames(doctype: string, names: string[], call?: CallOptions): Promise<string[]> {
      const existing: string[] = [];
      for (let i = 0; i < names.length; i += namesPerList) {
        const chunk = names.slice(i, i + namesPerList);
        const rows = await erp.callMethod('frappe.client.get_list', { doctype, fields: ['name'], filters: [['name', 'in', chunk]], limit_page_length: 0 }, 'POST', call);
        existing.push(...z.array(z.object({ name: z.string() })).parse(rows).map((row) => row.name));
      }
      return existing;
    },
  };
}
