import { loadCourseData, noting, type Freshness } from './course-data';
import { courseFigures, type CourseFigures } from './course-figures';
import type { ReportSources } from './report-sources';
import { ReportNotFound } from './student-report';
import { currentTerm } from './terms';

export interface CourseReport extends CourseFigures {
  kind: 'course';
  /** Whether the course is a paid elective (then `revenue` is set). */
  paid: boolean;
  freshness: Freshness;
  generatedAt: string;
}

/**
 * One course (ERPNext Course = Moodle course idnumber) in one term (default: the current one):
 * enrolled, active in the last 7/30 days, completed, average and distribution of course totals,
 * attendance rate, and for a paid elective its revenue; with the same figures per term.
 */
export async function buildCourseReport(sources: ReportSources, course: string, options: { term?: string } = {}): Promise<CourseReport> {
  const freshness: Freshness = {};
  const note = noting(freshness);
  const courses = note('erpnext.Course', await sources.erpnext.courses());
  if (!courses.some((c) => c.name === course)) throw new ReportNotFound(`no Course ${course} in ERPNext`);
  const terms = note('erpnext.Academic Term', await sources.erpnext.terms());
  const now = sources.now();
  const current = currentTerm(terms, now);
  const term = options.term ?? current;
  if (!term || !terms.some((t) => t.name === term)) throw new ReportNotFound(`no Academic Term ${options.term ?? '(current)'} in ERPNext`);
  const [data] = await loadCourseData(sources, [course], freshness);
  return { kind: 'course', paid: sources.electives[course] !== undefined, ...courseFigures(data!, term, { now, currentTerm: current }), freshness, generatedAt: now.toISOString() };
}
