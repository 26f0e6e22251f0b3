/*
 * The arithmetic every report shares, kept pure so tests can check it apart from any system.
 */

/** Percent of `score` out of `maximum`, one decimal; undefined without a positive maximum. */
export function percentOf(score: number | undefined, maximum: number | undefined): number | undefined {
  if (score === undefined || maximum === undefined || maximum <= 0) return undefined;
  return Math.round((score / maximum) * 1000) / 10;
}

export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;

export function average(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : round1(values.reduce((sum, v) => sum + v, 0) / values.length);
}

/** Ten bands of course totals: 0–9, 10–19, … 90–100 (100 goes in the last). */
export const gradeBands = ['0-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80-89', '90-100'] as const;

export function distribution(percents: readonly number[]): Record<(typeof gradeBands)[number], number> {
  const counts = Object.fromEntries(gradeBands.map((band) => [band, 0])) as Record<(typeof gradeBands)[number], number>;
  for (const p of percents) counts[gradeBands[Math.min(9, Math.max(0, Math.floor(p / 10)))]!] += 1;
  return counts;
}

export interface AttendanceCounts {
  present: number;
  absent: number;
  leave: number;
  /** Present ÷ (present + absent), percent: a Leave is excused and counts neither way. */
  rate?: number;
}

export function attendanceCounts(statuses: readonly string[]): AttendanceCounts {
  const present = statuses.filter((s) => s === 'Present').length;
  const absent = statuses.filter((s) => s === 'Absent').length;
  const leave = statuses.filter((s) => s === 'Leave').length;
  return { present, absent, leave, rate: present + absent === 0 ? undefined : round1((present / (present + absent)) * 100) };
}

/** Money of submitted invoices and their credit notes (ERPNext's own grand totals and outstanding amounts). */
export interface Revenue {
  invoiced: number;
  /** Invoiced less credited less outstanding: what Payment Entries settled. */
  paid: number;
  outstanding: number;
  /** Credit notes (withdrawals credited), as a positive amount. */
  credited: number;
  invoices: number;
  creditNotes: number;
}

export function revenueOf(rows: readonly { is_return?: number; grand_total?: number; outstanding_amount?: number }[]): Revenue {
  let invoiced = 0;
  let credited = 0;
  let outstanding = 0;
  let invoices = 0;
  let creditNotes = 0;
  for (const row of rows) {
    if (row.is_return === 1) {
      credited += -(row.grand_total ?? 0);
      creditNotes += 1;
    } else {
      invoiced += row.grand_total ?? 0;
      invoices += 1;
    }
    // v15 credit notes carry their own (negative) outstanding (update_outstanding_for_self): summing both nets them out.
    outstanding += row.outstanding_amount ?? 0;
  }
  outstanding = Math.max(0, outstanding);
  return { invoiced: round2(invoiced), paid: round2(Math.max(0, invoiced - credited - outstanding)), outstanding: round2(outstanding), credited: round2(credited), invoices, creditNotes };
}

/** Seconds since the epoch → ISO, or undefined for Moodle's 0 ("never"). */
export const isoOfUnix = (seconds: number | undefined | null): string | undefined => (seconds ? new Date(seconds * 1000).toISOString() : undefined);

/** Whole days between a Moodle time and now; undefined for never. */
export function daysSince(seconds: number | undefined | null, now: Date): number | undefined {
  return seconds ? Math.floor((now.getTime() / 1000 - seconds) / 86_400) : undefined;
}
