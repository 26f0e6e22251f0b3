import type { UserGradesRow } from './moodle-reads';
import { percentOf } from './figures';

/** A Moodle course total as a percentage (the grade item of `itemtype: 'course'`), undefined when not graded. */
export function coursePercentOf(user: UserGradesRow): number | undefined {
  const total = user.gradeitems.find((item) => item.itemtype === 'course');
  if (!total || total.graderaw === null || total.graderaw === undefined) return undefined;
  return percentOf(total.graderaw - (total.grademin ?? 0), (total.grademax ?? 100) - (total.grademin ?? 0));
}
