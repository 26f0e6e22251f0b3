import { FrappeException, bold, frappeThrow, pythonCrash } from './frappe-errors';
import { numericTypes, type DocTypeMeta, type FieldMeta, type MetaRegistry } from './meta';
import type { ChildRow, Doc, Store } from './store';

/**
 * Frappe's metadata-driven checks (`base_document.py`): numeric coercion, link validation with
 * fetch_from, mandatory, select options and unique fields. DocType-specific rules live in the
 * controllers.
 */
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

export function defaultValue(field: FieldMeta, today: string): unknown {
  if (field.fieldtype === 'Table') return [];
  if (field.default === 'Today') return today;
  if (field.default !== undefined) return numericTypes.has(field.fieldtype) ? Number(field.default) : field.default;
  // `get_static_default_value`: a Select without a default takes its first option, '' included (048's blood_group).
  if (field.fieldtype === 'Select' && field.options) return field.options.split('\n')[0];
  return numericTypes.has(field.fieldtype) ? 0 : null;
}

/** `cint`/`flt` for numbers, text columns hand back strings. */
export function coerce(field: FieldMeta, value: unknown): unknown {
  if (value === undefined || value === null) return numericTypes.has(field.fieldtype) ? 0 : null;
  if (field.fieldtype === 'Check' || field.fieldtype === 'Int') return Math.trunc(Number(value)) || 0;
  if (numericTypes.has(field.fieldtype)) return Number(value) || 0;
  if (field.fieldtype === 'Table') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Columns every table has besides its DocType's fields. */
const standardColumns = new Set(['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx']);

const dataFields = (meta: DocTypeMeta) => meta.fields.filter((x) => x.fieldtype !== 'Table');

export function createValidation(meta: MetaRegistry, store: Store) {
  const requireMeta = (doctype: string) => meta.get(doctype) ?? frappeThrow('DoesNotExistError', `DocType ${doctype} not found`);

  /** Link and Dynamic Link targets must exist; fetch_from copies values from them. */
  function validateLinks(doctype: string, doc: Doc) {
    const missing: string[] = [];
    const cancelled: string[] = [];
    const visit = (rowMeta: DocTypeMeta, row: Doc) => {
      for (const field of rowMeta.fields) {
        const value = row[field.fieldname];
        if (field.fieldtype === 'Table' || isEmpty(value)) continue;
        const target = field.fieldtype === 'Link' ? field.options : field.fieldtype === 'Dynamic Link' ? String(row[field.options ?? ''] ?? '') : undefined;
        if (!target) continue;
        if (target === 'DocType') {
          if (!meta.has(String(value))) missing.push(`${field.label}: ${String(value)}`);
          continue;
        }
        if (!meta.has(target)) continue;
        const linked = store.get(target, String(value));
        // Frappe's get_invalid_links flags a missing target only when no field of the row fetches
        // from this link (README "Writes": 148, 154, 191 accepted; 210, 240 fail later instead).
        const fetchedFrom = rowMeta.fields.some((x) => x.fetchFrom?.split('.')[0] === field.fieldname);
        if (!linked && !fetchedFrom) missing.push(`${field.label}: ${String(value)}`);
        // An amendment links to the cancelled original by design (get_invalid_links skips amended_from; 170).
        else if (linked?.docstatus === 2 && field.fieldname !== 'amended_from') cancelled.push(`${target} ${String(value)}`);
      }
      for (const field of rowMeta.fields) {
        if (!field.fetchFrom) continue;
        const [linkField, sourceField] = field.fetchFrom.split('.');
        const link = row[linkField];
        const linkMeta = rowMeta.fields.find((x) => x.fieldname === linkField);
        if (!linkMeta?.options || isEmpty(link) || (field.fetchIfEmpty && !isEmpty(row[field.fieldname]))) continue;
        // The fetch is one SELECT of the fetched columns: a column the linked DocType lacks fails in
        // MariaDB whether or not the row exists (Fees' `fee_structure.income_account`, 348).
        const linkedMeta = meta.get(linkMeta.options);
        if (linkedMeta && !linkedMeta.fields.some((x) => x.fieldname === sourceField) && !standardColumns.has(sourceField)) {
          pythonCrash('OperationalError', `(1054, "Unknown column '${sourceField}' in 'SELECT'")`);
        }
        const source = store.get(linkMeta.options, String(link));
        if (source) row[field.fieldname] = coerce(field, source[sourceField]);
      }
    };
    const parentMeta = requireMeta(doctype);
    visit(parentMeta, doc);
    for (const table of parentMeta.fields.filter((x) => x.fieldtype === 'Table')) {
      const childMeta = requireMeta(table.options ?? '');
      for (const row of (doc[table.fieldname] as ChildRow[]) ?? []) visit(childMeta, row);
    }
    if (missing.length > 0) frappeThrow('LinkValidationError', `Could not find ${missing.join(', ')}`);
    if (cancelled.length > 0) frappeThrow('CancelledLinkError', `Cannot link cancelled document: ${cancelled.join(', ')}`);
  }

  /**
   * `_validate_mandatory`: a plain msgprint per missing value, then MandatoryError naming the
   * document and the missing fieldnames (149, 153, 225).
   */
  function validateMandatory(doctype: string, doc: Doc) {
    const parentMeta = requireMeta(doctype);
    const missing: { fieldname: string; message: string }[] = [];
    for (const field of parentMeta.fields) {
      if (!field.reqd || !isEmpty(doc[field.fieldname])) continue;
      // `get_msg`: an empty mandatory table is "Data missing in table" (343).
      const message = field.fieldtype === 'Table' ? `Error: Data missing in table: ${field.label}` : `Error: Value missing for ${doctype}: ${field.label}`;
      missing.push({ fieldname: field.fieldname, message });
    }
    for (const table of parentMeta.fields.filter((x) => x.fieldtype === 'Table')) {
      const childMeta = requireMeta(table.options ?? '');
      for (const row of (doc[table.fieldname] as ChildRow[]) ?? []) {
        for (const field of childMeta.fields) {
          if (field.reqd && isEmpty(row[field.fieldname])) missing.push({ fieldname: field.fieldname, message: `Error: ${bold(childMeta.name)} Row #${String(row.idx)}: Value missing for: ${field.label}` });
        }
      }
    }
    if (missing.length === 0) return;
    const text = `[${doctype}, ${String(doc.name)}]: ${missing.map((m) => m.fieldname).join(', ')}`;
    throw new FrappeException('MandatoryError', 417, missing.map((m) => m.message), undefined, { text, plain: true });
  }

  /**
   * `_validate_selects` (frappe/model/base_document.py, v15 source): the value, stripped, must be one of
   * the options; the message is "{prefix} {label} cannot be …" with "Row #n:" for a child row and an
   * empty prefix (so a leading space) for the parent (221), and lists every option as written.
   */
  function validateSelects(doctype: string, doc: Doc) {
    const check = (rowMeta: DocTypeMeta, row: Doc, prefix: string) => {
      for (const field of rowMeta.fields.filter((x) => x.fieldtype === 'Select')) {
        const options = (field.options ?? '').split('\n');
        if (field.fieldname === 'naming_series' || isEmpty(row[field.fieldname]) || options.every((o) => o === '')) continue;
        const value = String(row[field.fieldname]).trim();
        row[field.fieldname] = value;
        if (!options.includes(value)) frappeThrow('ValidationError', `${prefix} ${field.label} cannot be "${value}". It should be one of "${options.join('", "')}"`);
      }
    };
    const parentMeta = requireMeta(doctype);
    check(parentMeta, doc, '');
    for (const table of parentMeta.fields.filter((x) => x.fieldtype === 'Table')) {
      for (const row of (doc[table.fieldname] as ChildRow[]) ?? []) check(requireMeta(table.options ?? ''), row, `Row #${String(row.idx)}:`);
    }
  }

  /** The database's unique index: case-insensitive, empty values exempt. */
  function validateUnique(doctype: string, doc: Doc) {
    for (const field of dataFields(requireMeta(doctype)).filter((x) => x.unique)) {
      const value = doc[field.fieldname];
      if (isEmpty(value)) continue;
      const clash = store.findByField(doctype, field.fieldname, String(value)).some((name) => name !== doc.name);
      if (clash) frappeThrow('UniqueValidationError', `${field.label} must be unique`);
    }
  }

  /**
   * Documents linking to `doctype`/`name` that block an action: submitted ones block a cancel,
   * any not cancelled one blocks a delete (`check_if_doc_is_linked`).
   */
  function assertNotLinked(doctype: string, name: string, action: 'Cancel' | 'Delete') {
    for (const otherType of meta.names()) {
      const otherMeta = requireMeta(otherType);
      if (otherMeta.istable || (action === 'Delete' && otherMeta.ignoreLinksOnDelete)) continue;
      const parentLinks = otherMeta.fields.filter((x) => (x.fieldtype === 'Link' && x.options === doctype) || x.fieldtype === 'Dynamic Link');
      const tables = otherMeta.fields.filter((x) => x.fieldtype === 'Table');
      for (const other of store.scan(otherType)) {
        if (otherType === doctype && other.name === name) continue;
        // frappe/model/delete_doc.py check_if_doc_is_linked (v15 source): any linking document blocks a
        // delete, cancelled ones included; only a submitted one blocks a cancel.
        const blocks = action === 'Cancel' ? other.docstatus === 1 : true;
        if (!blocks) continue;
        const linksHere = (row: Doc, fields: FieldMeta[]) => fields.some((x) => row[x.fieldname] === name && (x.fieldtype === 'Link' || row[x.options ?? ''] === doctype));
        let linked = linksHere(other, parentLinks);
        for (const table of tables) {
          const childMeta = requireMeta(table.options ?? '');
          const childLinks = childMeta.fields.filter((x) => (x.fieldtype === 'Link' && x.options === doctype) || x.fieldtype === 'Dynamic Link');
          linked ||= ((other[table.fieldname] as ChildRow[]) ?? []).some((row) => linksHere(row, childLinks));
        }
        if (linked) {
          // raise_link_exists_exception: both documents as form links, then the (empty) row and its space (100).
          const form = (dt: string, dn: string) => `<a href="/app/Form/${dt}/${dn}">${dn}</a>`;
          frappeThrow('LinkExistsError', `Cannot delete or cancel because ${doctype} ${form(doctype, name)} is linked with ${otherType} ${form(otherType, String(other.name))} `);
        }
      }
    }
  }

  return { requireMeta, validateLinks, validateMandatory, validateSelects, validateUnique, assertNotLinked };
}

export type Validation = ReturnType<typeof createValidation>;
