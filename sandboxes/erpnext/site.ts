import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from './clock';
import { appOf, attributed, type Controller, type DocEvent } from './controller';
import { completeInsert, prepareInsert } from './document-insert';
import { saveDocument } from './document-save';
import { asDict, listRow, withAllFields } from './document-shape';
import { isEmpty, type DocumentSteps } from './document-steps';
import { frappeThrow, notFound } from './frappe-errors';
import { createMetaRegistry, type DocTypeMeta, type MetaRegistry } from './meta';
import { createQuery, type Query } from './query';
import { createStore, type Doc, type Store } from './store';
import { Transactions, type MessageLog, type TransactionListener, type TransactionOptions } from './transactions';
import { coerce, createValidation, type Validation } from './validation';

export type { Controller, DocEvent, SaveAction } from './controller';
export type { MessageLog, TransactionListener } from './transactions';

/**
 * An in-memory Frappe site: the Document lifecycle (`frappe/model/document.py`) over metadata, store
 * and controllers. Insert (document-insert.ts): links + fetch → before_insert → name → validate → [before_submit] →
 * mandatory/select → [the interleaving window] → primary key/unique → store → after_insert,
 * on_update, [on_submit]. Save (document-save.ts) runs the docstatus transition it implies (save, submit, cancel,
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
  /** This site's parts as the insert and save pipelines use them. */
  private readonly steps: DocumentSteps;

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
    this.steps = {
      site: this,
      clock: this.clock,
      store: this.store,
      validation: this.validation,
      requireMeta: (doctype) => this.requireMeta(doctype),
      controllerOf: (doctype) => this.controllers[doctype] ?? {},
      sessionUser: () => this.sessionUser(),
      siteDefault: (fieldname) => this.defaults.get(fieldname),
      emit: (doctype, event, doc) => this.emit(doctype, event, doc),
    };
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
    return completeInsert(this.steps, prepareInsert(this.steps, doctype, body));
  }

  /** An insert as one worker of a multi-worker site runs it: validated, then a pause other requests run in, then written. */
  async insertInterleaved(doctype: string, body: Doc): Promise<Doc> {
    const pending = prepareInsert(this.steps, doctype, body);
    await sleep(this.interleaving?.windowMs ?? 0);
    return completeInsert(this.steps, pending);
  }

  /** PUT semantics: apply the patch, then save with whatever docstatus transition it implies. */
  save(doctype: string, name: string, patch: Doc): Doc {
    return saveDocument(this.steps, doctype, name, patch);
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
}
