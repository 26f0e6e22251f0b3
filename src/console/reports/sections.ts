import type { CourseTermFigures } from '../../reports/course-figures';
import type { Freshness } from '../../reports/course-data';
import { html, raw, type Html } from '../html';
import { when } from '../run-cells';

/** Pieces the report pages share: a figure, a chart, the freshness note. */
export const pct = (value: number | undefined) => (value === undefined ? '–' : `${value}%`);
export const money = (amount: number | undefined) => (amount === undefined ? '–' : amount.toFixed(2));

/** A server-rendered SVG (vega escapes the text it draws), inline so the page needs no second request. */
export const chart = (id: string, svg: string): Html => html`<figure class="chart" id="${id}">${raw(svg)}</figure>`;

export function freshnessNote(freshness: Freshness, generatedAt: string): Html {
  const rows = Object.entries(freshness).sort(([a], [b]) => a.localeCompare(b));
  return html`<details id="freshness"><summary>How fresh: generated ${when(generatedAt)}; oldest source read ${when(rows.map(([, at]) => at).sort()[0])}</summary>
<table><thead><tr><th>Source</th><th>Read at</th></tr></thead><tbody>${rows.map(([source, at]) => html`<tr><td class="mono">${source}</td><td>${when(at)}</td></tr>`)}</tbody></table></details>`;
}

export function termTable(rows: readonly CourseTermFigures[]): Html {
  return html`<table><thead><tr><th>Term</th><th>Assessed</th><th>Live</th><th>Average</th><th>Pass rate</th><th>Attendance</th><th>Invoiced</th><th>Paid</th><th>Outstanding</th><th>Credited</th></tr></thead><tbody>
${rows.map((t) => html`<tr><td>${t.term}</td><td class="num">${t.grades.assessed}</td><td class="num">${t.grades.live}</td><td class="num">${pct(t.grades.average)}</td><td class="num">${pct(t.grades.passRate)}</td><td class="num">${pct(t.attendance.rate)}</td>
<td class="num">${money(t.revenue?.invoiced)}</td><td class="num">${money(t.revenue?.paid)}</td><td class="num">${money(t.revenue?.outstanding)}</td><td class="num">${money(t.revenue?.credited)}</td></tr>`)}
</tbody></table>`;
}
