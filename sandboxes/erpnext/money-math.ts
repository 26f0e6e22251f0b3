import type { ChildRow, Doc } from './store';

/** The rows of a document's child table (none when unset). */
export const rows = (doc: Doc, table: string) => (doc[table] as ChildRow[] | undefined) ?? [];

/** `flt(x, 2)`: currency precision 2, as the captured site's System Settings. */
export const round2 = (n: number) => Math.round(n * 100) / 100;
