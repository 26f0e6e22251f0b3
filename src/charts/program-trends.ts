import type { ProgramTermTrend } from '../reports/program-report';
import { chartBase, renderSvg } from './render-svg';

/** Average grade, pass rate, attendance and (current term) completion per term, one line each. */
export function programTrendsChart(trends: readonly ProgramTermTrend[], title = 'Program by term'): Promise<string> {
  const values = trends.flatMap((t) =>
    (
      [
        ['average grade', t.averageGrade],
        ['pass rate', t.passRate],
        ['attendance', t.attendanceRate],
        ['completion', t.completionRate],
      ] as const
    ).flatMap(([measure, value]) => (value === undefined ? [] : [{ term: t.term, measure, value }])),
  );
  return renderSvg({
    ...chartBase(title),
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'term', type: 'ordinal', sort: trends.map((t) => t.term), title: null },
      y: { field: 'value', type: 'quantitative', title: '%', scale: { domain: [0, 100] } },
      color: { field: 'measure', type: 'nominal', title: null },
    },
  });
}
