import type { TermRow } from './erpnext-reads';

/** The Academic Term a date falls in (term dates inclusive), if any. */
export function termOfDate(terms: readonly TermRow[], date: string | undefined): string | undefined {
  if (!date) return undefined;
  return terms.find((t) => t.term_start_date && t.term_end_date && t.term_start_date <= date && date <= t.term_end_date)?.name;
}

/** The term `now` falls in, else the latest that has started: what a report without `--term` covers. */
export function currentTerm(terms: readonly TermRow[], now: Date): string | undefined {
  const today = now.toISOString().slice(0, 10);
  const started = terms.filter((t) => t.term_start_date && t.term_start_date <= today).sort((a, b) => (a.term_start_date! < b.term_start_date! ? -1 : 1));
  return termOfDate(terms, today) ?? started.at(-1)?.name;
}

/** Terms in calendar order (by start date, then name). */
export function termsInOrder(terms: readonly TermRow[]): TermRow[] {
  return [...terms].sort((a, b) => (a.term_start_date ?? '').localeCompare(b.term_start_date ?? '') || a.name.localeCompare(b.name));
}
