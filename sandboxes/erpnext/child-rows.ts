import { randomBytes } from 'node:crypto';
import type { DocTypeMeta } from './meta';
import type { ChildRow, Doc } from './store';
import { coerce, defaultValue } from './validation';

/**
 * Child table rows (`frappe/model/base_document.py`): built from a request's rows, stamped with
 * their parent's name, owner, stamps and docstatus and their `idx` on every save, and flagged
 * `__unsaved` in the answer to the request that added them.
 */
const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
const rowName = () => randomBytes(5).toString('hex');

/** Child rows a request sent without a name: the answer to that request marks them `__unsaved: 1` (183, 195, 237). */
const newRows = new WeakSet<ChildRow>();

export const tableFields = (meta: DocTypeMeta) => meta.fields.filter((x) => x.fieldtype === 'Table');

/** The rows of a table as a request gives them; a row keeping its `name` stays that row. */
export function childRows(childMeta: DocTypeMeta, raw: unknown, today: string): ChildRow[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((input: unknown) => {
    const source = (input && typeof input === 'object' ? input : {}) as Doc;
    const row: ChildRow = { name: typeof source.name === 'string' ? source.name : undefined };
    for (const field of childMeta.fields) row[field.fieldname] = field.fieldname in source ? coerce(field, source[field.fieldname]) : defaultValue(field, today);
    if (row.name === undefined) newRows.add(row);
    return row;
  });
}

export function stampChildren(meta: DocTypeMeta, doc: Doc) {
  for (const table of tableFields(meta)) {
    const rows = (doc[table.fieldname] as ChildRow[]) ?? [];
    rows.forEach((row, i) => {
      Object.assign(row, {
        name: isEmpty(row.name) ? rowName() : row.name,
        owner: row.owner ?? doc.owner,
        creation: row.creation ?? doc.creation,
        modified: doc.modified,
        modified_by: doc.modified_by,
        docstatus: doc.docstatus,
        idx: i + 1,
        parent: doc.name,
        parentfield: table.fieldname,
        parenttype: meta.name,
        doctype: table.options,
      });
    });
  }
}

/** Frappe's in-memory `__unsaved` flag on rows the request added; never stored, so a later GET has none. */
export function markUnsaved(meta: DocTypeMeta, doc: Doc) {
  for (const table of tableFields(meta)) {
    for (const row of (doc[table.fieldname] as ChildRow[]) ?? []) if (newRows.has(row)) row.__unsaved = 1;
  }
}

/** Child rows compared without the stamps a save rewrites. */
export function stripRowStamps(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((row: Doc) => Object.fromEntries(Object.entries(row).filter(([k]) => !['modified', 'modified_by', 'docstatus'].includes(k))));
}
