import type { WeeklyAttendance } from '../reports/course-figures';
import { chartBase, renderSvg } from './render-svg';

/** Attendance rate per week of the term (ERPNext Student Attendance). */
export function attendanceOverTimeChart(weeks: readonly WeeklyAttendance[], title = 'Attendance by week'): Promise<string> {
  return renderSvg({
    ...chartBase(title),
    data: { values: weeks.filter((w) => w.rate !== undefined).map((w) => ({ week: w.week, rate: w.rate })) },
    mark: { type: 'line', point: true, color: '#2f855a' },
    encoding: {
      x: { field: 'week', type: 'temporal', title: 'Week of', timeUnit: 'yearmonthdate' },
      y: { field: 'rate', type: 'quantitative', title: 'Present (%)', scale: { domain: [0, 100] } },
    },
  });
}

/** Students by how many weeks ago they last used Moodle (`lastaccess`); "never" on the right. */
export function activityChart(byWeeksAgo: readonly { weeksAgo: number; students: number }[], title = 'Last Moodle access'): Promise<string> {
  const values = byWeeksAgo.map((b) => ({ when: b.weeksAgo < 0 ? 'never' : b.weeksAgo === 0 ? 'this week' : `${b.weeksAgo} wk ago`, order: b.weeksAgo < 0 ? 9999 : b.weeksAgo, students: b.students }));
  return renderSvg({
    ...chartBase(title),
    data: { values },
    mark: { type: 'bar', color: '#805ad5' },
    encoding: {
      x: { field: 'when', type: 'ordinal', sort: { field: 'order' }, title: null },
      y: { field: 'students', type: 'quantitative', title: 'Students' },
    },
  });
}
