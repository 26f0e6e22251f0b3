import type { GradeFigures } from '../reports/course-figures';
import { gradeBands } from '../reports/figures';
import { chartBase, renderSvg } from './render-svg';

/** Course totals per 10-point band, stacked by source: synced to ERPNext, or Moodle's live total. */
export function gradeDistributionChart(grades: GradeFigures, title = 'Course totals'): Promise<string> {
  const values = gradeBands.flatMap((band) => [
    { band, source: 'ERPNext (synced)', students: grades.distribution[band] },
    { band, source: 'Moodle (live)', students: grades.liveDistribution[band] },
  ]);
  return renderSvg({
    ...chartBase(title),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'band', type: 'ordinal', sort: [...gradeBands], title: 'Course total (%)' },
      y: { field: 'students', type: 'quantitative', title: 'Students' },
      color: { field: 'source', type: 'nominal', title: null, scale: { range: ['#2b6cb0', '#9ac1ea'] } },
    },
  });
}
