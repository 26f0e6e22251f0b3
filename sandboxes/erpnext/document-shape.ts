import { numericTypes, type DocTypeMeta } from './meta';
import type { ChildRow, Doc } from './store';

/**
 * How a stored document is shown: with every field of its DocType (columns a Custom Field added
 * later read as NULL or 0), as `as_dict()` (child tables, masked passwords, optionally without
 * nulls: the REST shape), or as a list row (`SELECT *`: parent columns only).
 */
const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

export function withAllFields(meta: DocTypeMeta, doc: Doc): Doc {
  const out: Doc = { ...doc };
  for (const field of meta.fields) {
    if (field.virtual || field.fieldname in out) continue;
    out[field.fieldname] = field.fieldtype === 'Table' ? [] : numericTypes.has(field.fieldtype) ? 0 : null;
  }
  return out;
}

export function asDict(requireMeta: (doctype: string) => DocTypeMeta, meta: DocTypeMeta, doc: Doc, options: { noNulls?: boolean } = {}): Doc {
  const shape = (rowMeta: DocTypeMeta, row: Doc): Doc => {
    const out: Doc = {};
    for (const [key, value] of Object.entries(row)) {
      const field = rowMeta.fields.find((x) => x.fieldname === key);
      if (field?.fieldtype === 'Table') {
        const childMeta = requireMeta(field.options ?? '');
        out[key] = ((value as ChildRow[]) ?? []).map((r) => shape(childMeta, withAllFields(childMeta, r)));
      } else if (field?.fieldtype === 'Password') {
        // Frappe keeps passwords in __Auth and shows only asterisks.
        out[key] = isEmpty(value) ? value : '*'.repeat(String(value).length);
      } else out[key] = value;
    }
    for (const field of rowMeta.fields) if (field.virtual) out[field.fieldname] = field.virtual(row);
    if (options.noNulls) for (const key of Object.keys(out)) if (out[key] === null || out[key] === undefined) delete out[key];
    return out;
  };
  return shape(meta, withAllFields(meta, doc));
}

export function listRow(meta: DocTypeMeta, doc: Doc): Doc {
  // Child tables and virtual fields have no column.
  const tables = new Set(meta.fields.filter((x) => x.fieldtype === 'Table' || x.virtual).map((x) => x.fieldname));
  return Object.fromEntries(Object.entries(withAllFields(meta, doc)).filter(([k]) => !tables.has(k) && k !== 'doctype'));
}
