import type { Site } from './site';
import type { Doc } from './store';
import { defaultValue } from './validation';

/**
 * Single DocTypes as Frappe keeps them: no table of their own but field/value rows in `tabSingles`,
 * read back as one document named after the DocType (GET and PUT
 * /api/resource/<Single>/<Single>, 053, 128, 231). Such a document has no `creation` (tabSingles
 * has no such row) and its `idx` comes back as the text "0" (the column is text and `idx` is no
 * field to convert by), as 053 and 231 show.
 */
export function installSingle(site: Site, doctype: string, values: Doc = {}) {
  const meta = site.requireMeta(doctype);
  const today = site.clock.today();
  const doc: Doc = { name: doctype, doctype, owner: 'Administrator', modified: site.clock.timestamp(), modified_by: 'Administrator', docstatus: 0, idx: '0' };
  for (const field of meta.fields) doc[field.fieldname] = field.fieldname in values ? values[field.fieldname] : defaultValue(field, today);
  site.store.put(doctype, doc);
}

/** `frappe.db.get_single_value`. */
export function singleValue(site: Site, doctype: string, fieldname: string): unknown {
  return site.getDoc(doctype, doctype)[fieldname];
}
