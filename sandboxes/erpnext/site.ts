import { setTimeout as sleep } from 'node:timers/promises';
import { childRows, markUnsaved, stampChildren, stripRowStamps, tableFields } from './child-rows';
import type { Clock } from './clock';
import { appOf, attributed, type Controller, type DocEvent, type SaveAction } from './controller';
import { checkDocstatusTransition } from './docstatus';
import { asDict, listRow, withAllFields } from './document-shape';
import { FrappeException, bold, frappeThrow, notFound } from './frappe-errors';
import { createMetaRegistry, type DocTypeMeta, type MetaRegistry } from './meta';
import { newName } from './naming';
import { createQuery, type Query } from './query';
import { createStore, type Doc, type Store } from './store';
import { Transactions, type MessageLog, type TransactionListener, type TransactionOptions } from './transactions';
import { coerce, createValidation, defaultValue, type Validation } from './validation';

export type { Controller, DocEvent, SaveAction } from './controller';
export type { MessageLog, TransactionListener } from './transactions';

/**
 * An in-memory Frappe site: the Document lifecycle (`frappe/model/document.py`) over metadata, store
 * and controllers. Insert: links + fetch → before_insert → name → validate → [before_submit] →
 * mandatory/select → [the interleaving window] → primary key/unique → store → after_insert,
 * on_update, [on_submit]. Save runs the docstatus transition it implies (save, submit, cancel,
 * update after submit) with the optimistic lock.
 */
export interface SiteOptions {
  clock: Clock;
  doctypes: readonly DocTypeMeta[];
  controllers: Record<string, Controller>;
  user?: string;
  /**
   * Serve writes the way a multi-worker site (gunicorn workers over one MariaDB) lets them overlap:
   * a REST insert waits `windowMs` between its validation and its write, so concurrent requests'
   * checks run before either writes. Education's duplicate checks are SELECTs without a unique
   * index, so two concurrent duplicates both pass, as on the real site; the primary key and
   * unique fields are still checked at the write, as their indexes are. Off (omitted): one
   * request at a time, no race can show.
   */
  interleaving?: { windowMs: number };
}

/** An insert validated but not yet written. */
interface PendingInsert {
  doctype: string;
  meta: DocTypeMeta;
  controller: Controller;
  doc: Doc;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
const systemKeys = new Set(['name', 'doctype', 'owner', 'creation', 'modified_by', 'idx', 'parent', 'parentfield', 'parenttype']);

export class Site {
  readonly meta: MetaRegistry;
  readonly store: Store;
  readonly query: Query;
  readonly clock: Clock;
  /** What `frappe.utils.get_url` gives: the address the site is served at (links in messages, 217, 219). */
  url = 'http://localhost';
  private readonly validation: Validation;
  private readonly controllers: Record<string, Controller>;
  private readonly listeners: TransactionListener[] = [];
  private readonly user: string;
  private messages: MessageLog[] = [];
  /** Child rows a request sent without a name: the answer to that request marks them `__unsaved: 1` (183, 195, 237). */
  private readonly newRows = new WeakSet<ChildRow>();

  constructor(options: SiteOptions) {
    this.clock = options.clock;
    this.meta = createMetaRegistry(options.doctypes);
    this.store = createStore();
    this.query = createQuery(this.meta);
    this.validation = createValidation(this.meta, this.store);
    this.controllers = Object.fromEntries(Object.entries(options.controllers).map(([doctype, c]) => [doctype, attributed(c, appOf(this.meta.get(doctype)?.module))]));
    this.user = options.user ?? 'Administrator';
  }

  addListener(listener: TransactionListener) {
    this.listeners.push(listener);
  }

  /** One request: committed when `fn` returns (unless read-only, like Frappe's GET), rolled back when it throws. */
  transaction<T>(fn: () => T, options: { readOnly?: boolean } = {}): T {
    this.messages = [];
    this.store.begin();
    try {
      const result = fn();
      if (options.readOnly) this.rollback();
      else {
        this.store.commit();
        for (const l of this.listeners) l.commit();
      }
      return result;
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  private rollback() {
    this.store.rollback();
    for (const l of this.listeners) l.rollback();
  }

  /** `frappe.msgprint`: the request's success response carries these in `_server_messages`. */
  msgprint(message: string, options: { alert?: boolean } = {}) {
    this.messages.push({ message, alert: options.alert ?? false });
  }

  /** The messages of the last transaction, for its response. */
  takeMessages(): MessageLog[] {
    const taken = this.messages;
    this.messages = [];
    return taken;
  }

  requireMeta(doctype: string): DocTypeMeta {
    return this.validation.requireMeta(doctype);
  }

  exists(doctype: string, name: string): boolean {
    return this.store.has(doctype, name);
  }

  getDoc(doctype: string, name: string): Doc {
    const meta = this.requireMeta(doctype);
    const doc = this.store.get(doctype, name) ?? notFound(doctype, name);
    return this.withAllFields(meta, doc);
  }

  /** Every stored document of a DocType, in insertion order: shallow views for reading, never for mutation. */
  all(doctype: string): Doc[] {
    const meta = this.requireMeta(doctype);
    return this.store.scan(doctype).map((d) => this.withAllFields(meta, d));
  }

  /** The stored rows of a DocType for queries: read only, custom fields added later may be missing. */
  rows(doctype: string): readonly Doc[] {
    this.requireMeta(doctype);
    return this.store.scan(doctype);
  }

  /** The document as `as_dict()`: every field, nulls included; `noNulls` gives the REST shape. */
  asDict(doctype: string, doc: Doc, options: { noNulls?: boolean } = {}): Doc {
    const meta = this.requireMeta(doctype);
    const shape = (rowMeta: DocTypeMeta, row: Doc): Doc => {
      const out: Doc = {};
      for (const [key, value] of Object.entries(row)) {
        const field = rowMeta.fields.find((x) => x.fieldname === key);
        if (field?.fieldtype === 'Table') {
          const childMeta = this.requireMeta(field.options ?? '');
          out[key] = ((value as ChildRow[]) ?? []).map((r) => shape(childMeta, r));
        } else if (field?.fieldtype === 'Password') {
          // Frappe keeps passwords in __Auth and shows only asterisks.
          out[key] = isEmpty(value) ? value : '*'.repeat(String(value).length);
        } else out[key] = value;
      }
      if (options.noNulls) for (const key of Object.keys(out)) if (out[key] === null || out[key] === undefined) delete out[key];
      return out;
    };
    return shape(meta, this.withAllFields(meta, doc));
  }

  /** A list row (`SELECT *`): parent columns only, no child tables. */
  listRow(doctype: string, doc: Doc): Doc {
    const meta = this.requireMeta(doctype);
    const tables = new Set(meta.fields.filter((x) => x.fieldtype === 'Table').map((x) => x.fieldname));
    return Object.fromEntries(Object.entries(this.withAllFields(meta, doc)).filter(([k]) => !tables.has(k) && k !== 'doctype'));
  }

  /** Password field values, which the REST API never shows. */
  password(doctype: string, name: string, fieldname: string): string | undefined {
    const value = this.store.get(doctype, name)?.[fieldname];
    return isEmpty(value) ? undefined : String(value);
  }

  insert(doctype: string, body: Doc): Doc {
    const meta = this.requireMeta(doctype);
    if (meta.istable) frappeThrow('ValidationError', `${doctype} is a child table and cannot be inserted on its own`);
    const controller = this.controllers[doctype] ?? {};
    const today = this.clock.today();
    const doc: Doc = {};
    for (const field of meta.fields) {
      doc[field.fieldname] = field.fieldname in body ? coerce(field, body[field.fieldname]) : defaultValue(field, today);
      if (field.fieldtype === 'Table') doc[field.fieldname] = this.childRows(field.options ?? '', body[field.fieldname], today);
    }
    const docstatus = Math.trunc(Number(body.docstatus ?? 0)) || 0;
    checkDocstatusTransition(0, docstatus);
    if (docstatus === 1 && !meta.isSubmittable) frappeThrow('ValidationError', `Cannot submit ${doctype}: it is not submittable`);
    doc.docstatus = docstatus;
    doc.doctype = doctype;

    this.validation.validateLinks(doctype, doc);
    controller.beforeInsert?.(doc, this);
    const name = meta.autoname === 'controller' ? (controller.autoname?.(doc, this) ?? frappeThrow('ValidationError', `${doctype} has no naming rule`)) : newName(meta, doc, this.store, today, body.name);
    if (this.store.has(doctype, name)) frappeThrow('DuplicateEntryError', `${doctype} ${bold(name)} already exists`);
    const stamp = this.clock.timestamp();
    Object.assign(doc, { name, owner: this.user, creation: stamp, modified: stamp, modified_by: this.user, idx: 0 });
    this.stampChildren(meta, doc);

    controller.validate?.(doc, this, docstatus === 1 ? 'submit' : 'insert');
    if (docstatus === 1) controller.beforeSubmit?.(doc, this);
    // Controllers may have filled child tables (Program Enrollment's courses): stamp those rows too.
    this.stampChildren(meta, doc);
    this.checkData(doctype, doc);
    this.store.put(doctype, doc);
    this.markUnsaved(meta, doc);

    controller.afterInsert?.(doc, this);
    this.emit(doctype, 'after_insert', doc);
    controller.onUpdate?.(doc, this);
    this.emit(doctype, 'on_update', doc);
    if (docstatus === 1) {
      controller.onSubmit?.(doc, this);
      this.emit(doctype, 'on_submit', doc);
    }
    return doc;
  }

  /** PUT semantics: apply the patch, then save with whatever docstatus transition it implies. */
  save(doctype: string, name: string, patch: Doc): Doc {
    const meta = this.requireMeta(doctype);
    const controller = this.controllers[doctype] ?? {};
    const stored = this.getDoc(doctype, name);
    const before = structuredClone(stored);
    const from = Number(stored.docstatus);
    const to = 'docstatus' in patch ? Math.trunc(Number(patch.docstatus)) || 0 : from;

    checkDocstatusTransition(from, to);
    if (to > 0 && !meta.isSubmittable) frappeThrow('ValidationError', `Cannot submit ${doctype}: it is not submittable`);
    const action: SaveAction = from === 0 ? (to === 1 ? 'submit' : 'save') : to === 2 ? 'cancel' : 'update_after_submit';

    if ('modified' in patch && !isEmpty(patch.modified) && String(patch.modified) !== String(stored.modified)) {
      frappeThrow(
        'TimestampMismatchError',
        `Error: Document has been modified after you have opened it (${String(patch.modified)}, ${String(stored.modified)}). Please refresh to get the latest document.`,
      );
    }

    const doc = stored;
    if (action !== 'cancel') this.applyPatch(meta, doc, patch);
    doc.docstatus = to;
    if (action === 'update_after_submit') this.checkUpdateAfterSubmit(meta, before, doc);
    this.checkSetOnlyOnce(meta, before, doc);
    this.stampChildren(meta, doc);
    Object.assign(doc, { modified: this.clock.timestamp(), modified_by: this.user });

    if (action !== 'cancel') {
      this.validation.validateLinks(doctype, doc);
      // An update after submit runs only before_update_after_submit in Frappe, not validate.
      if (action !== 'update_after_submit') controller.validate?.(doc, this, action);
      if (action === 'submit') controller.beforeSubmit?.(doc, this);
      this.stampChildren(meta, doc);
      this.checkData(doctype, doc);
    } else controller.beforeCancel?.(doc, this);
    this.store.put(doctype, doc);
    this.markUnsaved(meta, doc);

    if (action === 'save' || action === 'submit') {
      controller.onUpdate?.(doc, this);
      this.emit(doctype, 'on_update', doc);
    }
    if (action === 'submit') {
      controller.onSubmit?.(doc, this);
      this.emit(doctype, 'on_submit', doc);
    }
    if (action === 'cancel') {
      controller.onCancel?.(doc, this);
      this.emit(doctype, 'on_cancel', doc);
      this.validation.assertNotLinked(doctype, name, 'Cancel');
    }
    // v15.50 lists on_update_after_submit as a Webhook event but never fires it (reference §3).
    this.emit(doctype, 'on_change', doc);
    return doc;
  }

  /** `Document.cancel`: a save to docstatus 2. */
  cancel(doctype: string, name: string): Doc {
    return this.save(doctype, name, { docstatus: 2 });
  }

  /** `frappe.delete_doc`: drafts and cancelled documents only, and nothing may still link here. */
  delete(doctype: string, name: string): void {
    const doc = this.getDoc(doctype, name);
    if (doc.docstatus === 1) frappeThrow('ValidationError', `${doctype} ${bold(name)}: Submitted Record cannot be deleted. You must Cancel it first.`);
    this.validation.assertNotLinked(doctype, name, 'Delete');
    this.controllers[doctype]?.onTrash?.(doc, this);
    this.emit(doctype, 'on_trash', doc);
    this.store.remove(doctype, name);
  }

  /** `frappe.db.set_value`: writes columns directly; no hooks, no webhooks. */
  dbSetValue(doctype: string, name: string, values: Doc, options: { updateModified?: boolean } = {}): void {
    const meta = this.requireMeta(doctype);
    const stored = this.store.get(doctype, name) ?? notFound(doctype, name);
    for (const [key, value] of Object.entries(values)) {
      const field = meta.fields.find((x) => x.fieldname === key);
      stored[key] = field ? coerce(field, value) : value;
    }
    if (options.updateModified !== false) Object.assign(stored, { modified: this.clock.timestamp(), modified_by: this.user });
    this.store.put(doctype, stored);
  }

  /** `Document.db_set`: like set_value, but on a loaded document, and it runs `on_change`. */
  dbSet(doctype: string, doc: Doc, values: Doc): void {
    this.dbSetValue(doctype, String(doc.name), values);
    Object.assign(doc, this.store.get(doctype, String(doc.name)));
    this.emit(doctype, 'on_change', doc);
  }

  private emit(doctype: string, event: DocEvent, doc: Doc) {
    for (const l of this.listeners) l.event(doctype, event, doc);
  }

  private withAllFields(meta: DocTypeMeta, doc: Doc): Doc {
    const out: Doc = { ...doc };
    for (const field of meta.fields) {
      if (field.fieldname in out) continue;
      out[field.fieldname] = field.fieldtype === 'Table' ? [] : numericTypes.has(field.fieldtype) ? 0 : null;
    }
    return out;
  }

  private childRows(childDoctype: string, raw: unknown, today: string): ChildRow[] {
    const childMeta = this.requireMeta(childDoctype);
    if (!Array.isArray(raw)) return [];
    return raw.map((input: unknown) => {
      const source = (input && typeof input === 'object' ? input : {}) as Doc;
      const row: ChildRow = { name: typeof source.name === 'string' ? source.name : undefined };
      for (const field of childMeta.fields) row[field.fieldname] = field.fieldname in source ? coerce(field, source[field.fieldname]) : defaultValue(field, today);
      if (row.name === undefined) this.newRows.add(row);
      return row;
    });
  }

  private stampChildren(meta: DocTypeMeta, doc: Doc) {
    for (const table of meta.fields.filter((x) => x.fieldtype === 'Table')) {
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
  private markUnsaved(meta: DocTypeMeta, doc: Doc) {
    for (const table of meta.fields.filter((x) => x.fieldtype === 'Table')) {
      for (const row of (doc[table.fieldname] as ChildRow[]) ?? []) if (this.newRows.has(row)) row.__unsaved = 1;
    }
  }

  private applyPatch(meta: DocTypeMeta, doc: Doc, patch: Doc) {
    const today = this.clock.today();
    for (const [key, value] of Object.entries(patch)) {
      if (systemKeys.has(key) || key === 'docstatus' || key === 'modified') continue;
      const field = meta.fields.find((x) => x.fieldname === key);
      if (!field) continue;
      // Frappe keeps a password when the form sends back its asterisks.
      if (field.fieldtype === 'Password' && /^\*+$/.test(String(value ?? ''))) continue;
      if (field.fieldtype !== 'Table') {
        doc[key] = coerce(field, value);
        continue;
      }
      // Like Frappe's `doc.update`, the given rows replace the table; a row keeping its `name` stays that row.
      doc[key] = this.childRows(field.options ?? '', value, today);
    }
  }

  private checkUpdateAfterSubmit(meta: DocTypeMeta, before: Doc, after: Doc) {
    for (const field of meta.fields) {
      if (field.allowOnSubmit || field.readOnly) continue;
      const a = JSON.stringify(stripRowStamps(before[field.fieldname]));
      const b = JSON.stringify(stripRowStamps(after[field.fieldname]));
      if (a !== b) frappeThrow('UpdateAfterSubmitError', `Not allowed to change ${field.label} after submission from ${a} to ${b}`);
    }
  }

  private checkSetOnlyOnce(meta: DocTypeMeta, before: Doc, after: Doc) {
    for (const field of meta.fields.filter((x) => x.setOnlyOnce)) {
      if (!isEmpty(before[field.fieldname]) && before[field.fieldname] !== after[field.fieldname]) {
        frappeThrow('CannotChangeConstantError', `Value cannot be changed for ${field.label}`);
      }
    }
  }

  private checkData(doctype: string, doc: Doc) {
    this.validation.validateMandatory(doctype, doc);
    this.validation.validateSelects(doctype, doc);
    this.validation.validateUnique(doctype, doc);
  }
}

/** The app whose code a module's controllers are (`_exc_source`); Frappe's own modules name none. */
function appOf(module: string | undefined): string | undefined {
  if (module === 'Education') return 'education';
  if (module && ['Accounts', 'Selling', 'Stock', 'Setup', 'Buying'].includes(module)) return 'erpnext';
  return undefined;
}

/** Wraps a controller so that what its hooks raise carries `_exc_source: "<app> (app)"`, as Frappe reads it off the traceback. */
function attributed(controller: Controller, app: string | undefined): Controller {
  if (!app) return controller;
  const wrapped: Record<string, unknown> = {};
  for (const [hook, fn] of Object.entries(controller)) {
    wrapped[hook] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        if (err instanceof FrappeException && !err.detail.excSource) err.detail.excSource = `${app} (app)`;
        throw err;
      }
    };
  }
  return wrapped as Controller;
}

/** Child rows compared without the stamps a save rewrites. */
function stripRowStamps(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((row: Doc) => Object.fromEntries(Object.entries(row).filter(([k]) => !['modified', 'modified_by', 'docstatus'].includes(k))));
}
