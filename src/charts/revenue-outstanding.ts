import type { Revenue } from '../reports/figures';
import { chartBase, renderSvg } from './render-svg';

/** Per paid course: paid, outstanding and credited (withdrawals), stacked up to what was invoiced. */
export function revenueChart(courses: readonly { course: string; revenue: Revenue }[], title = 'Revenue vs outstanding'): Promise<string> {
  const values = courses.flatMap(({ course, revenue }) => [
    { course, part: 'paid', amount: revenue.paid },
    { course, part: 'outstanding', amount: revenue.outstanding },
    { course, part: 'credited', amount: revenue.credited },
  ]);
  return renderSvg({
    ...chartBase(title),
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'course', type: 'nominal', title: null },
      x: { field: 'amount', type: 'quantitative', title: 'Amount' },
      color: { field: 'part', type: 'nominal', title: null, scale: { domain: ['paid', 'outstanding', 'credited'], range: ['#2f855a', '#dd6b20', '#a0aec0'] } },
    },
  });
}
