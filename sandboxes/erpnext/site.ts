import { setTimeout as sleep } from 'node:timers/promises';
import { childRows, markUnsaved, stampChildren } from './child-rows';
import type { Clock } from './clock';
import { appOf, attributed, type Controller, type DocEvent, type SaveAction } from './controller';
import { checkDocstatusTransition } from './docstatus';
import { asDict, listRow, withAllFields } from './document-shape';
import { FrappeException, bold, frappeThrow, notFound } from './frappe-errors';
import { createMetaRegistry, type DocTypeMeta, type MetaRegistry } from './meta';
import { newName } from './naming';
import { createQuery, type Query } from './query';
import { createStore, type Doc, type Store } from './store';
import { checkUpdateAfterSubmit } from './update-after-submit';
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
  readonly interleaving?: { windowMs: number };
  /** What `frappe.utils.get_url` gives: the address the site is served at (links in messages, 217, 219). */
  url = 'http://localhost';
  private readonly transactions: Transactions;
  private readonly validation: Validation;
  private readonly controllers: Record<string, Controller>;
  private readonly user: string;
  /** `frappe.defaults` set site-wide (`frappe.db.set_default`), keyed by fieldname. */
  private readonly defaults = new Map<string, string>();

  constructor(options: SiteOptions) {
    this.clock = options.clock;
    this.interleaving = options.interleaving;
    this.meta = createMetaRegistry(options.doctypes);
    this.transactions = new Transactions(() => this.store);
    this.store = createStore(() => this.transactions.currentJournal());
    this.query = createQuery(this.meta);
    this.validation = createValidation(this.meta, this.store);
    this.controllers = Object.fromEntries(Object.entries(options.controllers).map(([doctype, c]) => [doctype, attributed(c, appOf(this.meta.get(doctype)?.module))]));
    this.user = options.user ?? 'Administrator';
  }

  addListener(listener: TransactionListener) {
    this.transactions.addListener(listener);
  }

  /** One request: committed when `fn` returns (unless read-only, like Frappe's GET), rolled back when it throws. */
  transaction<T>(fn: () => T, options: TransactionOptions = {}): T {
    return this.transactions.run(fn, options);
  }

  /** A request whose work awaits (the interleaving mode): other requests may run meanwhile, each in its own transaction. */
  transactionAsync<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.transactions.runAsync(fn, options);
  }

  /** The request's user (`frappe.session.user`); outside a request, the site's. */
  private sessionUser(): string {
    return this.transactions.current().user ?? this.user;
  }

  /** `frappe.msgprint`: the request's success response carries these in `_server_messages`. */
  msgprint(message: string, options: { alert?: boolean; raised?: { title: string }; titled?: { title: string; indicator: string } } = {}) {
    this.transactions.current().messages.push({ message, alert: options.alert ?? false, ...(options.raised ? { raised: options.raised } : {}), ...(options.titled ? { titled: options.titled } : {}) });
  }

  /** The messages the current transaction (or, outside one, the site) has queued, for its response. */
  takeMessages(): MessageLog[] {
    return this.transactions.takeMessages(this.transactions.current());
  }

  /** `frappe.db.set_default`: a site-wide default for every Link field of that name (the setup wizard's `country`). */
  setDefault(fieldname: string, value: string) {
    this.defaults.set(fieldname, value);
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
    return withAllFields(meta, doc);
  }

  /** Every stored document of a DocType, in insertion order: shallow views for reading, never for mutation. */
  all(doctype: string): Doc[] {
    const meta = this.requireMeta(doctype);
    return this.store.scan(doctype).map((d) => withAllFields(meta, d));
  }

  /** The stored rows of a DocType for queries: read only, custom fields added later may be missing. */
  rows(doctype: string): readonly Doc[] {
    this.requireMeta(doctype);
    return this.store.scan(doctype);
  }

  /** The document as `as_dict()`: every field, nulls included; `noNulls` gives the REST shape. */
  asDict(doctype: string, doc: Doc, options: { noNulls?: boolean } = {}): Doc {
    return asDict((dt) => this.requireMeta(dt), this.requireMeta(doctype), doc, options);
  }

  /** A list row (`SELECT *`): parent columns only, no child tables. */
  listRow(doctype: string, doc: Doc): Doc {
    return listRow(this.requireMeta(doctype), doc);
  }

  /** Password field values, which the REST API never shows. */
  password(doctype: string, name: string, fieldname: string): string | undefined {
    const value = this.store.get(doctype, name)?.[fieldname];
    return isEmpty(value) ? undefined : String(value);
  }

  insert(doctype: string, body: Doc): Doc {
    return this.completeInsert(this.prepareInsert(doctype, body));
  }

  /** An insert as one worker of a multi-worker site runs it: validated, then a pause other requests run in, then written. */
  async insertInterleaved(doctype: string, body: Doc): Promise<Doc> {
    const pending = this.prepareInsert(doctype, body);
    await sleep(this.interleaving?.windowMs ?? 0);
    return this.completeInsert(pending);
  }

  /** Everything of an insert before the row is written: defaults, links, naming, validate, mandatory and select checks. */
  private prepareInsert(doctype: string, body: Doc): PendingInsert {
    const meta = this.requireMeta(doctype);
    if (meta.istable) frappeThrow('ValidationError', `${doctype} is a child table and cannot be inserted on its own`);
    const controller = this.controllers[doctype] ?? {};
    const today = this.clock.today();
    const doc: Doc = {};
    for (const field of meta.fields) {
      doc[field.fieldname] = field.fieldname in body ? coerce(field, body[field.fieldname]) : this.fieldDefault(field, today);
      if (field.fieldtype === 'Table') doc[field.fieldname] = childRows(this.requireMeta(field.options ?? ''), body[field.fieldname], today);
    }
    const docstatus = Math.trunc(Number(body.docstatus ?? 0)) || 0;
    checkDocstatusTransition(0, docstatus);
    if (docstatus === 1 && !meta.isSubmittable) frappeThrow('ValidationError', `Cannot submit ${doctype}: it is not submittable`);
    doc.docstatus = docstatus;
    doc.doctype = doctype;

    this.validation.validateLinks(doctype, doc);
    controller.beforeInsert?.(doc, this);
    const name = meta.autoname === 'controller' ? (controller.autoname?.(doc, this) ?? frappeThrow('ValidationError', `${doctype} has no naming rule`)) : newName(meta, doc, this.store, today, body);
    const stamp = this.clock.timestamp();
    Object.assign(doc, { name, owner: this.sessionUser(), creation: stamp, modified: stamp, modified_by: this.sessionUser(), idx: 0 });
    stampChildren(meta, doc);

    controller.validate?.(doc, this, docstatus === 1 ? 'submit' : 'insert');
    if (docstatus === 1) controller.beforeSubmit?.(doc, this);
    // Controllers may have filled child tables (Program Enrollment's courses): stamp those rows too.
    stampChildren(meta, doc);
    this.validation.validateMandatory(doctype, doc);
    this.validation.validateSelects(doctype, doc);
    return { doctype, meta, controller, doc };
  }

  /** The write and what follows it: the primary key and unique indexes, then after_insert, on_update, [on_submit]. */
  private completeInsert({ doctype, meta, controller, doc }: PendingInsert): Doc {
    if (this.store.has(doctype, String(doc.name))) duplicateEntry(doctype, String(doc.name));
    this.validation.validateUnique(doctype, doc);
    this.store.put(doctype, doc);
    markUnsaved(meta, doc);

    controller.afterInsert?.(doc, this);
    this.emit(doctype, 'after_insert', doc);
    controller.onUpdate?.(doc, this);
    this.emit(doctype, 'on_update', doc);
    if (doc.docstatus === 1) {
      controller.onSubmit?.(doc, this);
      this.emit(doctype, 'on_submit', doc);
    }
    return doc;
  }

  /** `_set_defaults`: the field's own default, or for a Link a site default of its fieldname whose target exists. */
  private fieldDefault(field: DocTypeMeta['fields'][number], today: string): unknown {
    const siteDefault = field.fieldtype === 'Link' && field.options !== 'User' && field.default === undefined ? this.defaults.get(field.fieldname) : undefined;
    if (siteDefault !== undefined && this.store.has(field.options ?? '', siteDefault)) return siteDefault;
    return defaultValue(field, today);
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
    if (action === 'update_after_submit') checkUpdateAfterSubmit(meta, (dt) => this.requireMeta(dt), before, doc);
    checkSetOnlyOnce(meta, before, doc);
    stampChildren(meta, doc);
    Object.assign(doc, { modified: this.clock.timestamp(), modified_by: this.sessionUser() });

    if (action !== 'cancel') {
      this.validation.validateLinks(doctype, doc);
      // An update after submit runs only before_update_after_submit in Frappe, not validate.
      if (action !== 'update_after_submit') controller.validate?.(doc, this, action);
      if (action === 'submit') controller.beforeSubmit?.(doc, this);
      stampChildren(meta, doc);
      this.validation.validateMandatory(doctype, doc);
      this.validation.validateSelects(doctype, doc);
      this.validation.validateUnique(doctype, doc);
    } else controller.beforeCancel?.(doc, this);
    this.store.put(doctype, doc);
    markUnsaved(meta, doc);

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
    // frappe/model/delete_doc.py `check_permission_and_not_submitted`: the name plain, "Cancel" linking ERPNext's docs page (322, 334).
    if (doc.docstatus === 1) frappeThrow('ValidationError', `${doctype} ${name}: Submitted Record cannot be deleted. You must <a href='https://docs.erpnext.com//docs/user/manual/en/setting-up/articles/delete-submitted-document' target='_blank'> Cancel </a> it first.`);
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
    if (options.updateModified !== false) Object.assign(stored, { modified: this.clock.timestamp(), modified_by: this.sessionUser() });
    this.store.put(doctype, stored);
  }

  /** `Document.db_set`: like set_value, but on a loaded document, and it runs `on_change`. */
  dbSet(doctype: string, doc: Doc, values: Doc): void {
    this.dbSetValue(doctype, String(doc.name), values);
    Object.assign(doc, this.store.get(doctype, String(doc.name)));
    this.emit(doctype, 'on_change', doc);
  }

  private emit(doctype: string, event: DocEvent, doc: Doc) {
    this.transactions.emit(doctype, event, doc);
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
      doc[key] = childRows(this.requireMeta(field.options ?? ''), value, today);
    }
  }
}

/**
 * The primary key refusing a second row: the IntegrityError text as Frappe wraps it, after the
 * "Duplicate Name" msgprint (which has an indicator but is not the raise itself: 055, 056).
 */
function duplicateEntry(doctype: string, name: string): never {
  throw new FrappeException('DuplicateEntryError', 409, [`${doctype} ${bold(name)} already exists`], undefined, {
    text: `('${doctype}', '${name}', IntegrityError(1062, "Duplicate entry '${name}' for key 'PRIMARY'"))`,
    title: 'Duplicate Name',
    printedOnly: true,
  });
}

function checkSetOnlyOnce(meta: DocTypeMeta, before: Doc, after: Doc) {
  for (const field of meta.fields.filter((x) => x.setOnlyOnce)) {
    if (!isEmpty(before[field.fieldname]) && before[field.fieldname] !== after[field.fieldname]) {
      frappeThrow('CannotChangeConstantError', `Value cannot be changed for ${field.label}`);
    }
  }
}
