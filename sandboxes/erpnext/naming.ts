import { randomBytes } from 'node:crypto';
import { frappeThrow } from './frappe-errors';
import type { DocTypeMeta } from './meta';
import type { Doc, Store } from './store';

/** What the request body may say about the new document's name. */
export interface RequestedName {
  name?: unknown;
  /** The form's "Set by user" prompt: `Document.set_new_name` takes it before any other rule for a prompt DocType (103–111). */
  __newname?: unknown;
}

/**
 * Frappe's `set_new_name` for the naming rules the sandbox's DocTypes use. Date parts come from the
 * sandbox clock ("today"), as Frappe's `parse_naming_series` takes them from the current date.
 */
export function newName(meta: DocTypeMeta, doc: Doc, store: Store, today: string, requested: RequestedName): string {
  const rule = meta.autoname;
  // `Document.set_new_name` (frappe/model/document.py, read from source): a truthy `__newname` names a prompt DocType outright.
  if (rule === 'prompt' && requested.__newname) return String(requested.__newname).trim();
  // `_set_amended_name`: an amendment is named after its original, no series consumed (170: EDU-ENR-2026-00009-1).
  if (typeof doc.amended_from === 'string' && doc.amended_from !== '') return amendedName(doc.amended_from, store.get(meta.name, doc.amended_from));
  // `set_new_name`: a Single's document is named after its DocType.
  if (rule === 'single') return meta.name;
  if (rule === 'hash') return randomBytes(5).toString('hex');
  // Only "Set by user" DocTypes keep a client's `name`; every other rule replaces it.
  if (rule === 'prompt') return String(requested.name ?? '').trim() || frappeThrow('ValidationError', 'Please set the document name');
  if (rule.startsWith('field:')) {
    const fieldname = rule.slice('field:'.length);
    const value = doc[fieldname];
    if (value === undefined || value === null || value === '') {
      // `_field_autoname` throws before the mandatory check can (057: "Course Name is required").
      const label = meta.fields.find((x) => x.fieldname === fieldname)?.label ?? fieldname;
      frappeThrow('ValidationError', `${label} is required`);
    }
    return String(value).trim();
  }
  if (rule.startsWith('series:')) return namingSeries(rule.slice('series:'.length), store, today);
  if (rule.startsWith('format:')) return formatName(rule.slice('format:'.length), doc, store, today);
  throw new Error(`${meta.name} is named by its controller`);
}

/** `X` → `X-1`; an amendment of an amendment `X-1` → `X-2`. */
function amendedName(original: string, originalDoc: Doc | undefined): string {
  if (!originalDoc?.amended_from) return `${original}-1`;
  const parts = original.split('-');
  const last = Number(parts.pop());
  return `${parts.join('-')}-${(Number.isInteger(last) ? last : 0) + 1}`;
}

/** `EDU-STU-.YYYY.-` → `EDU-STU-2026-00001`: a series without hashes gets `.#####` appended. */
export function namingSeries(series: string, store: Store, today: string): string {
  const withDigits = series.includes('#') ? series : `${series}.#####`;
  const parts = withDigits.split('.');
  let prefix = '';
  let name = '';
  for (const part of parts) {
    if (/^#+$/.test(part)) {
      const count = store.nextSeries(prefix);
      name += String(count).padStart(part.length, '0');
      continue;
    }
    const value = datePart(part, today) ?? part;
    prefix += value;
    name += value;
  }
  return name;
}

function datePart(part: string, today: string): string | undefined {
  const [yyyy, mm, dd] = today.split('-');
  return ({ YYYY: yyyy, YY: yyyy.slice(2), MM: mm, DD: dd } as Record<string, string>)[part];
}

/** `format:EDU-CE-{YYYY}-{#####}`: braces hold date parts, field names or the counter. */
function formatName(format: string, doc: Doc, store: Store, today: string): string {
  let prefix = '';
  return format.replace(/\{([^}]+)\}|([^{]+)/g, (_match, token: string | undefined, literal: string | undefined) => {
    if (literal !== undefined) {
      prefix += literal;
      return literal;
    }
    const key = token ?? '';
    if (/^#+$/.test(key)) return String(store.nextSeries(prefix)).padStart(key.length, '0');
    const value = datePart(key, today) ?? String(doc[key] ?? '');
    prefix += value;
    return value;
  });
}
