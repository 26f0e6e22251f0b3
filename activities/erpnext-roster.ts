import type { ErpnextClient } from '../src/erpnext/client';
import { createAcademicTerms } from '../src/erpnext/resources/academic-terms';
import { createCourseSchedules } from '../src/erpnext/resources/course-schedules';
import { createCourses } from '../src/erpnext/resources/courses';
import { createInstructors } from '../src/erpnext/resources/instructors';
import { createPrograms } from '../src/erpnext/resources/programs';
import type { RosterInput } from '../src/mapping/roster-offerings';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

export interface RosterInstructor {
  name: string;
  fullname: string;
  email?: string;
}

/** ERPNext reads of roster provisioning: everything a term's courses, groups and teachers are planned from. */
export function createErpnextRosterActivities(erp: ErpnextClient) {
  const terms = createAcademicTerms(erp);
  const schedules = createCourseSchedules(erp);
  const courses = createCourses(erp);
  const instructors = createInstructors(erp);
  const programs = createPrograms(erp);

  return withFailureMapping({
    /** The terms (every Academic Term when absent), their enabled Student Groups (only the named ones if given), Course Schedules, Courses and Programs. */
    async erpnextRosterSnapshot(input: { terms?: string[]; groups?: string[]; schedules: boolean; emailField?: string }): Promise<RosterInput & { instructors: RosterInstructor[] }> {
      const call = activityCall();
      const termRows = await terms.list(input.terms, call);
      const groups = termRows.length ? await terms.studentGroups(termRows.map((t) => t.name), input.groups, call) : [];
      const scheduleRows = input.schedules ? await schedules.ofGroups(groups.map((g) => g.name), call) : [];
      const courseNames = [...new Set([...groups.map((g) => g.course), ...scheduleRows.map((s) => s.course)].filter((c): c is string => !!c))];
      const programNames = [...new Set(groups.map((g) => g.program).filter((p): p is string => !!p))];
      const programCourses: Record<string, string[]> = {};
      for (const program of programNames) programCourses[program] = await programs.courses(program);
      const instructorNames = [...new Set([...groups.flatMap((g) => g.instructors.map((row) => row.instructor)), ...scheduleRows.map((s) => s.instructor)])];
      const instructorRows = await instructors.list(instructorNames, input.emailField ? [input.emailField] : [], call);
      return {
        terms: termRows.map((t) => ({ name: t.name, termName: t.term_name, year: t.academic_year })),
        groups: groups.map((g) => ({
          name: g.name,
          basedOn: g.group_based_on,
          term: g.academic_term ?? '',
          program: g.program,
          course: g.course,
          students: g.students.filter((row) => row.active !== 0).map((row) => row.student),
          // Instructors who have left are not teachers any more.
          instructors: g.instructors.map((row) => row.instructor).filter((name) => instructorRows.find((i) => i.name === name)?.status !== 'Left'),
        })),
        schedules: scheduleRows.map((s) => ({ studentGroup: s.student_group, course: s.course, instructor: s.instructor })),
        courses: Object.fromEntries((await courses.list(courseNames, call)).map((c) => [c.name, { courseName: c.course_name, department: c.department }])),
        programCourses,
        instructors: instructorRows
          .filter((i) => i.status !== 'Left')
          .map((i) => ({ name: i.name, fullname: i.instructor_name, email: input.emailField && typeof i[input.emailField] === 'string' ? (i[input.emailField] as string) : undefined })),
      };
    },
  });
}

export type ErpnextRosterActivities = ReturnType<typeof createErpnextRosterActivities>;
