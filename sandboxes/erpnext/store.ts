/**
 * The sandbox's database: one table of documents per DocType, kept in insertion order, and the
 * naming-series counters. Every request runs in a transaction (./transactions.ts): each write is
 * journaled in the journal of the transaction it runs in, and undone if that request fails or was
 * a GET, like Frappe's rollback.
 */
export type Doc = Record<string, unknown>;
export type ChildRow = Record<string, unknown>;

/** A stored value as Frappe's `cstr` gives it: null and undefined become ''. */
export const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export interface Store {
  /** Primary-key lookups are case-insensitive, as MariaDB's default collation makes them. */
  get(doctype: string, name: string): Doc | undefined;
  has(doctype: string, name: string): boolean;
  /** The stored spelling of a name, found case-insensitively. */
  resolve(doctype: string, name: string): string | undefined;
  all(doctype: string): Doc[];
  /** The stored rows themselves, for read-only scans (queries, unique and link checks). */
  scan(doctype: string): readonly Doc[];
  put(doctype: string, doc: Doc): void;
  remove(doctype: string, name: string): void;
  /** Names of the documents whose `field` equals `value` case-insensitively (MariaDB's default collation), via a lazily built index. */
  findByField(doctype: string, field: string, value: string): string[];
  /** Next value of a naming-series counter (`tabSeries`). */
  nextSeries(prefix: string): number;
  /** Runs a transaction's journal backwards. */
  undo(journal: Journal): void;
  /** Every table and series counter, for the local stack's state file (./persistence.ts). */
  dump(): StoreDump;
  /** Replaces every table and series counter with a dump's (outside any transaction). */
  load(dump: StoreDump): void;
}

export interface StoreDump {
  tables: Record<string, Doc[]>;
  series: Record<string, number>;
}

/** The undo steps of one transaction's writes, oldest first. */
export type Journal = (() => void)[];

const clone = <T>(value: T): T => structuredClone(value);

/** `currentJournal` names the journal of the transaction a write runs in (none outside one: seeding). */
export function createStore(currentJournal: () => Journal | undefined): Store {
  const tables = new Map<string, Map<string, Doc>>();
  const series = new Map<string, number>();
  /** doctype → field → lower-cased value → names; dropped on rollback and rebuilt on demand. */
  const indexes = new Map<string, Map<string, Map<string, Set<string>>>>();
  const key = (value: unknown) => String(value ?? '').toLowerCase();

  const unindex = (doctype: string, doc: Doc | undefined) => {
    if (!doc) return;
    for (const [field, index] of indexes.get(doctype) ?? []) index.get(key(doc[field]))?.delete(String(doc.name));
  };
  const reindex = (doctype: string, doc: Doc) => {
    for (const [field, index] of indexes.get(doctype) ?? []) {
      const k = key(doc[field]);
      if (!index.has(k)) index.set(k, new Set());
      index.get(k)?.add(String(doc.name));
    }
  };

  const table = (doctype: string) => {
    let t = tables.get(doctype);
    if (!t) tables.set(doctype, (t = new Map()));
    return t;
  };

  const remember = (undo: () => void) => currentJournal()?.push(undo);

  function findByField(doctype: string, field: string, value: string): string[] {
    let byField = indexes.get(doctype);
    if (!byField) indexes.set(doctype, (byField = new Map()));
    let index = byField.get(field);
    if (!index) {
      index = new Map();
      byField.set(field, index);
      for (const doc of table(doctype).values()) {
        const k = key(doc[field]);
        if (!index.has(k)) index.set(k, new Set());
        index.get(k)?.add(String(doc.name));
      }
    }
    return [...(index.get(key(value)) ?? [])];
  }

  function resolve(doctype: string, name: string): string | undefined {
    if (table(doctype).has(name)) return name;
    return findByField(doctype, 'name', name)[0];
  }

  return {
    get(doctype, name) {
      const doc = table(doctype).get(resolve(doctype, name) ?? '');
      return doc && clone(doc);
    },
    has: (doctype, name) => resolve(doctype, name) !== undefined,
    resolve,
    all: (doctype) => [...table(doctype).values()].map(clone),
    scan: (doctype) => [...table(doctype).values()],
    put(doctype, doc) {
      const t = table(doctype);
      const name = String(doc.name);
      const previous = t.get(name);
      remember(() => (previous ? t.set(name, previous) : t.delete(name)));
      unindex(doctype, previous);
      const copy = clone(doc);
      t.set(name, copy);
      reindex(doctype, copy);
    },
    remove(doctype, requested) {
      const t = table(doctype);
      const name = resolve(doctype, requested) ?? requested;
      const previous = t.get(name);
      if (!previous) return;
      // Restoring must keep the row's place in insertion order.
      const order = [...t.entries()];
      remember(() => {
        t.clear();
        for (const [k, v] of order) t.set(k, v);
      });
      unindex(doctype, previous);
      t.delete(name);
    },
    findByField,
    nextSeries(prefix) {
      const current = series.get(prefix) ?? 0;
      remember(() => series.set(prefix, current));
      series.set(prefix, current + 1);
      return current + 1;
    },
    dump: () => ({
      tables: Object.fromEntries([...tables].map(([doctype, t]) => [doctype, [...t.values()].map(clone)])),
      series: Object.fromEntries(series),
    }),
    load(dump) {
      tables.clear();
      series.clear();
      indexes.clear();
      for (const [doctype, docs] of Object.entries(dump.tables)) tables.set(doctype, new Map(docs.map((doc) => [String(doc.name), clone(doc)])));
      for (const [prefix, value] of Object.entries(dump.series)) series.set(prefix, value);
    },
    undo(journal) {
      for (const step of [...journal].reverse()) step();
      // Read-only requests (every GET) roll back too; only a real undo can leave indexes stale.
      if (journal.length > 0) indexes.clear();
    },
  };
}
