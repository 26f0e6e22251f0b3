import { z } from 'zod';
import { erpnextInsertManyLimit } from '../../src/common/batches';
import type { ErpnextClient } from '../../src/erpnext/client';
import type { MoodleClient } from '../../src/moodle/client';
import { demoAcademicYear, demoAssessmentCriteria, demoAssessmentGroup, demoGradingScale } from '../../sandboxes/demo-data';
import type { Site } from '../../sandboxes/erpnext/site';
import { str } from '../../sandboxes/erpnext/store';

/*
 * Courses whose grades the grade sync must carry to ERPNext: in ERPNext a Course, its Student
 * Group (every student active) and a submitted Assessment Plan; in Moodle the course with the same
 * idnumber, the students enrolled, one graded assignment. Seeded through both systems' APIs (and
 * the Moodle sandbox's gradebook route), as bench/grades.ts does at its own size.
 */
export interface GradeWorld {
  students: string[];
  /** Assessment Plan names, one per course. */
  plans: string[];
  /** Grades given in Moodle: students × courses. */
  grades: number;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** A web-service function the client has no wrapper for, in Moodle's form encoding. */
async function moodleWs(moodleUrl: string, token: string, wsfunction: string, args: Record<string, string | number>): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: token, wsfunction, moodlewsrestformat: 'json', ...Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])) });
  const json: unknown = await (await fetch(`${moodleUrl}/webservice/rest/server.php`, { method: 'POST', body })).json();
  if (json !== null && typeof json === 'object' && 'exception' in json) throw new Error(`${wsfunction}: ${JSON.stringify(json)}`);
  return json;
}

async function sandboxControl(moodleUrl: string, route: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${moodleUrl}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST /__sandbox/${route}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Seeds `courses` courses of `studentsPerCourse` graded students each; the caller keeps ERPNext's Webhooks off meanwhile (these students are not admissions). */
export async function seedGradeWorld(erp: ErpnextClient, moodle: MoodleClient, moodleUrl: string, moodleToken: string, size: { courses: number; studentsPerCourse: number; tag: string }): Promise<GradeWorld> {
  const students: string[] = [];
  const newStudents = Array.from({ length: size.studentsPerCourse }, (_, i) => ({ doctype: 'Student', first_name: `${size.tag}${i}`, last_name: 'Graded', student_email_id: `${size.tag.toLowerCase()}${i}.graded@students.cbu.example` }));
  for (const batch of chunks(newStudents, erpnextInsertManyLimit)) students.push(...(await erp.insertMany(batch)));
  const users = await moodle.createUsers(
    students.map((idnumber, i) => ({ username: `${size.tag.toLowerCase()}${i}`, password: 'Graded-pass-2026!', firstname: `${size.tag}${i}`, lastname: 'Graded', email: `${size.tag.toLowerCase()}${i}.graded@students.cbu.example`, idnumber })),
  );

  const plans: string[] = [];
  for (let index = 0; index < size.courses; index++) {
    const course = `${size.tag.toUpperCase()}${String(index + 1).padStart(3, '0')}`;
    await erp.insert('Course', { course_name: course });
    const group = `${course} ${demoAcademicYear.name}`;
    await erp.insert('Student Group', { student_group_name: group, group_based_on: 'Course', course, academic_year: demoAcademicYear.name, students: students.map((student) => ({ student, active: 1 })) });
    const hour = String(8 + (index % 10)).padStart(2, '0');
    const plan = await erp.insert('Assessment Plan', {
      student_group: group,
      assessment_group: demoAssessmentGroup,
      course,
      grading_scale: demoGradingScale.name,
      schedule_date: '2027-01-15',
      from_time: `${hour}:00:00`,
      to_time: `${hour}:45:00`,
      maximum_assessment_score: 100,
      assessment_criteria: [{ assessment_criteria: demoAssessmentCriteria, maximum_score: 100 }],
      docstatus: 1,
    });
    plans.push(plan.name);

    const args = { 'courses[0][fullname]': `Chaos course ${index + 1}`, 'courses[0][shortname]': course, 'courses[0][categoryid]': 1, 'courses[0][idnumber]': course };
    const [created] = z.array(z.object({ id: z.number() })).parse(await moodleWs(moodleUrl, moodleToken, 'core_course_create_courses', args));
    await moodle.enrolUsers(users.map((user) => ({ roleid: 5, userid: user.id, courseid: created.id, timestart: 0, timeend: 0, suspend: false })));
    const { cmid } = z.object({ cmid: z.number() }).parse(await sandboxControl(moodleUrl, 'modules', { courseid: created.id, modname: 'assign', name: 'Final exam', grademax: 100 }));
    await sandboxControl(moodleUrl, 'grades', { cmid, grades: users.map((user, i) => ({ userid: user.id, grade: 35 + ((i * 7 + index * 13) % 65) })) });
  }
  return { students, plans, grades: students.length * plans.length };
}

/** How often each (student, plan, criteria) of the world has a live Assessment Result, read from the sandbox's own state. */
export function resultCounts(site: Site, world: GradeWorld): { once: number; twiceOrMore: number; missing: number } {
  const plans = new Set(world.plans);
  const counts = new Map<string, number>();
  for (const result of site.rows('Assessment Result')) {
    if (!plans.has(str(result.assessment_plan)) || Number(result.docstatus) === 2) continue;
    for (const detail of (site.asDict('Assessment Result', result).details as { assessment_criteria?: unknown }[] | undefined) ?? []) {
      const key = `${str(result.student)}|${str(result.assessment_plan)}|${str(detail.assessment_criteria)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let once = 0;
  let twiceOrMore = 0;
  for (const n of counts.values()) (n === 1 ? once++ : twiceOrMore++);
  return { once, twiceOrMore, missing: world.grades - once - twiceOrMore };
}
