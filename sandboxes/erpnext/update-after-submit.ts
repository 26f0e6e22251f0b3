import { bold, FrappeException } from './frappe-errors';
import type { DocTypeMeta, FieldMeta } from './meta';
import { pyFloatRepr } from './py-json';
import type { ChildRow, Doc } from './store';

/**
 * `validate_update_after_submit` (frappe/model/document.py and base_document.py, v15 source): each
 * field not `allow_on_submit` that is set on either side must keep its stored value; a child table
 * is compared only by its number of rows, and then each row field by field (`d._validate_update_after_submit`).
 * The message is "{prefix} Not allowed to change {label} after submission from {old} to {new}" with
 * "Row #n:" for a row and an empty prefix for the parent (162, 212), values printed as Python prints
 * the cast value (`85.0` for a Float, `None` for nothing).
 * Read-only fields are left out here: the sandbox's controllers may compute them differently.
 */
export function checkUpdateAfterSubmit(meta: DocTypeMeta, requireMeta: (doctype: string) => DocTypeMeta, before: Doc, after: Doc) {
  compareFields(meta, before, after, '');
  for (const table of meta.fields.filter((x) => x.fieldtype === 'Table')) {
    const rowMeta = requireMeta(table.options ?? '');
    const oldRows = (before[table.fieldname] as ChildRow[] | undefined) ?? [];
    ((after[table.fieldname] as ChildRow[] | undefined) ?? []).forEach((row, position) => {
      const stored = oldRows.find((old) => old.name === row.name);
      // A new row of an allow-on-submit table is not checked; elsewhere it has no stored values (not seen in a capture).
      if (!stored && table.allowOnSubmit) return;
      // `append` numbers a row given without idx by its position.
      compareFields(rowMeta, stored ?? {}, row, `Row #${String(row.idx ?? position + 1)}:`);
    });
  }
}

const floatTypes = new Set(['Float', 'Currency', 'Percent']);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || v === 0;

/** `BaseDocument.get_value`'s cast, printed as Python's str() would. */
function shown(field: FieldMeta, value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (floatTypes.has(field.fieldtype)) return pyFloatRepr(Number(value) || 0);
  if (field.fieldtype === 'Int' || field.fieldtype === 'Check') return String(Math.trunc(Number(value) || 0));
  return String(value);
}

function compareFields(meta: DocTypeMeta, before: Doc, after: Doc, prefix: string) {
  for (const field of meta.fields) {
    if (field.allowOnSubmit || field.readOnly) continue;
    const isTable = field.fieldtype === 'Table';
    const old = isTable ? ((before[field.fieldname] as unknown[] | undefined) ?? []).length : before[field.fieldname];
    const now = isTable ? ((after[field.fieldname] as unknown[] | undefined) ?? []).length : after[field.fieldname];
    if (isEmpty(old) && isEmpty(now)) continue;
    const same = isTable || floatTypes.has(field.fieldtype) || field.fieldtype === 'Int' || field.fieldtype === 'Check' ? Number(old ?? 0) === Number(now ?? 0) : String(old ?? '') === String(now ?? '');
    if (same) continue;
    const [from, to] = isTable ? [String(old), String(now)] : [shown(field, old), shown(field, now)];
    throw new FrappeException('UpdateAfterSubmitError', 417, [`${prefix} Not allowed to change ${bold(field.label)} after submission from ${bold(from)} to ${bold(to)}`], undefined, { title: 'Cannot Update After Submit' });
  }
}
