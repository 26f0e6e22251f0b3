import Table from 'cli-table3';

/** One chaos scenario's line: what was done to the systems, what the end state should be and was. */
export interface ChaosRow {
  scenario: string;
  faults: string;
  expected: string;
  observed: string;
}

/** `CHAOS_SCALE=full` (npm run test:chaos) runs each scenario at the size; the default is a reduced one for `npm test`. */
export const fullScale = process.env.CHAOS_SCALE === 'full';
export const scaled = (reduced: number, full: number) => (fullScale ? full : reduced);

/** Prints the rows as a table (scenario, faults injected, expected, observed, pass). */
export function printChaosTable(rows: ChaosRow[]): void {
  const table = new Table({ head: ['scenario', 'faults injected', 'expected', 'observed', 'pass'], wordWrap: true, colWidths: [26, 34, 30, 30, 6] });
  for (const row of rows) table.push([row.scenario, row.faults, row.expected, row.observed, row.expected === row.observed ? 'yes' : 'NO']);
  process.stdout.write(`${table.toString()}\n`);
}
