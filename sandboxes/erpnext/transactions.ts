import { AsyncLocalStorage } from 'node:async_hooks';
import type { DocEvent } from './controller';
import type { Doc, Journal, Store } from './store';

/**
 * Request transactions, like Frappe's one database transaction per request: committed when the
 * request's work returns (unless read-only, like Frappe's GET), rolled back when it throws. Each
 * transaction has its own journal of writes and its own `msgprint` messages, found through
 * AsyncLocalStorage, so requests whose work is interleaved (a multi-worker site, see
 * `SiteOptions.interleaving`) never undo or report each other's writes.
 */
export interface MessageLog {
  message: string;
  /** A toast (`alert=True`) rather than a dialog. */
  alert: boolean;
  /** The msgprint of a `frappe.throw` the code caught (bulk_update, 096): it keeps the error's title, indicator and id. */
  raised?: { title: string };
  /** `msgprint(title=…, indicator=…)`: a dialog with its own title and colour (228: "Note", yellow). */
  titled?: { title: string; indicator: string };
}

export interface Transaction {
  readonly journal: Journal;
  readonly messages: MessageLog[];
  /** `frappe.session.user` of the request: documents it writes are owned and modified by this user (316). */
  readonly user?: string;
}

/** Observes document events of each transaction and learns whether it committed. */
export interface TransactionListener {
  event(transaction: Transaction, doctype: string, event: DocEvent, doc: Doc): void;
  commit(transaction: Transaction): void;
  rollback(transaction: Transaction): void;
}

export interface TransactionOptions {
  readOnly?: boolean;
  user?: string;
}

export class Transactions {
  private readonly context = new AsyncLocalStorage<Transaction>();
  private readonly listeners: TransactionListener[] = [];
  /** Work outside any request (seeding, direct test calls): messages and events go here, writes are not journaled. */
  private readonly outside: Transaction = { journal: [], messages: [] };

  constructor(private readonly store: () => Store) {}

  addListener(listener: TransactionListener) {
    this.listeners.push(listener);
  }

  /** The journal writes go to: none outside a transaction. */
  currentJournal(): Journal | undefined {
    return this.context.getStore()?.journal;
  }

  current(): Transaction {
    return this.context.getStore() ?? this.outside;
  }

  run<T>(fn: () => T, options: TransactionOptions = {}): T {
    const transaction: Transaction = { journal: [], messages: [], user: options.user };
    try {
      const result = this.context.run(transaction, fn);
      this.end(transaction, options);
      return result;
    } catch (err) {
      this.rollback(transaction);
      throw err;
    }
  }

  async runAsync<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const transaction: Transaction = { journal: [], messages: [], user: options.user };
    try {
      const result = await this.context.run(transaction, fn);
      this.end(transaction, options);
      return result;
    } catch (err) {
      this.rollback(transaction);
      throw err;
    }
  }

  /** The messages a transaction's response carries; outside one, those queued since the last take. */
  takeMessages(transaction: Transaction): MessageLog[] {
    return transaction.messages.splice(0);
  }

  emit(doctype: string, event: DocEvent, doc: Doc) {
    const transaction = this.current();
    for (const l of this.listeners) l.event(transaction, doctype, event, doc);
  }

  private end(transaction: Transaction, options: TransactionOptions) {
    if (options.readOnly) return this.rollback(transaction);
    for (const l of this.listeners) l.commit(transaction);
  }

  private rollback(transaction: Transaction) {
    this.store().undo(transaction.journal);
    for (const l of this.listeners) l.rollback(transaction);
  }
}
