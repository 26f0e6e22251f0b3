import { demoAcademicTerm, demoCourses, demoDifferentlyNamedCourse, demoMoodleAccounts, demoMoodleEnrolments, demoPaidElective, demoStudents } from '../../demo-data';
import { addAttendanceSession, seedAttendanceStatuses } from '../attendance-register';
import { addGradedModule, setGrade } from '../gradebook';
import { nextId, newUser, type MoodleState } from '../state';
import { insertCourse } from '../functions/courses';
import { allSandboxFunctions, seedSite } from './site';
import { addCategory } from '../categories';

const day = 86_400;
const termStart = Math.floor(Date.parse(`${demoAcademicTerm.termStartDate}T09:00:00Z`) / 1000);
const termEnd = Math.floor(Date.parse(`${demoAcademicTerm.termEndDate}T17:00:00Z`) / 1000);
const attendanceCycle = ['P', 'P', 'P', 'L', 'P', 'E', 'P', 'A'];

function enrol(state: MoodleState, courseid: number, userid: number, enrol: 'manual' | 'fee') {
  const instance = state.enrolInstances.find((candidate) => candidate.courseid === courseid && candidate.enrol === enrol);
  if (!instance) throw new Error(`no ${enrol} instance in course ${courseid}`);
  state.userEnrolments.push({ id: nextId(state, 'user_enrolments'), enrolid: instance.id, userid, status: 0, timestart: 0, timeend: 0, timecreated: state.now() });
  state.roleAssignments.push({ userid, courseid, roleid: 5 });
}

/**
 * The demo institution's Moodle (from `demo-data.ts`): one course per mapped ERPNext Course
 * (idnumber = Course name; the placement course deliberately has none), a fee-enrolment instance
 * on the paid elective, the pre-existing accounts (linked, hand-made without idnumber, and one
 * whose idnumber is a former student's), their enrolments, graded coursework with course totals,
 * and attendance sessions with P/L/E/A marks.
 */
export function seedDemo(state: MoodleState, token: string) {
  seedSite(state, {
    token,
    sitename: 'Campus Bridge University Moodle',
    siteShortname: 'cbu',
    siteSummary: 'Demo learning platform',
    functions: allSandboxFunctions(),
    siteCreated: state.now() - 30 * day,
  });

  // A custom profile field the mapping file's `customFields` can target (ERPNext field -> shortname).
  state.profileFields.set('programme', { name: 'Programme', datatype: 'text' });

  const categoryIds = new Map<string, number>();
  for (const course of demoCourses) {
    if (!course.moodle || categoryIds.has(course.category)) continue;
    categoryIds.set(course.category, addCategory(state, { name: course.category }).id);
  }
  const courseIds = new Map<string, number>();
  for (const course of demoCourses.filter((candidate) => candidate.moodle)) {
    const created = insertCourse(state, {
      fullname: course.title,
      shortname: course.code,
      idnumber: course.code,
      categoryid: categoryIds.get(course.category) ?? 1,
      format: 'topics',
      enablecompletion: 1,
      startdate: termStart,
      enddate: termEnd,
    });
    courseIds.set(course.code, created.id);
  }
  // Made by hand, named differently and without idnumber: the naming audit's planted case.
  const { moodle: named } = demoDifferentlyNamedCourse;
  insertCourse(state, { fullname: named.fullname, shortname: named.shortname, idnumber: '', categoryid: categoryIds.get(named.category) ?? 1, format: 'topics', enablecompletion: 1, startdate: termStart, enddate: termEnd });
  const electiveId = courseIds.get(demoPaidElective.course);
  if (electiveId !== undefined) {
    state.enrolInstances.push({ id: nextId(state, 'enrol'), courseid: electiveId, enrol: 'fee', status: 0, roleid: 5, cost: demoPaidElective.price.toFixed(2), currency: demoPaidElective.currency });
  }

  const userIds = new Map<string, number>();
  for (const account of demoMoodleAccounts) {
    const programme = demoStudents.find((student) => student.name === account.idnumber)?.program;
    const user = newUser(state, { ...account, hasPassword: true, country: 'GB', customfields: programme ? { programme } : {} });
    state.users.push(user);
    userIds.set(account.username, user.id);
  }
  for (const enrolment of demoMoodleEnrolments) {
    const courseid = courseIds.get(enrolment.course);
    const userid = userIds.get(enrolment.username);
    if (courseid !== undefined && userid !== undefined) enrol(state, courseid, userid, 'manual');
  }
  // One linked student has already paid for the elective through Moodle's fee enrolment.
  const payer = demoMoodleEnrolments[0]?.username;
  if (electiveId !== undefined && payer !== undefined) enrol(state, electiveId, userIds.get(payer) ?? 0, 'fee');

  for (const [code, courseid] of courseIds) {
    const students = demoMoodleEnrolments.filter((enrolment) => enrolment.course === code).map((enrolment) => userIds.get(enrolment.username) ?? 0);
    if (students.length === 0) continue;
    const essay = addGradedModule(state, { courseid, modname: 'assign', name: `${code} Coursework`, idnumber: `${code}-CW`, grademax: 100 });
    const exam = addGradedModule(state, { courseid, modname: 'assign', name: `${code} Exam`, idnumber: `${code}-EXAM`, grademax: 100 });
    students.forEach((userid, index) => {
      setGrade(state, essay.item.id, userid, 48 + ((userid * 17 + courseid * 5) % 50));
      // The last student has not sat the exam yet: a course total from coursework only.
      if (index < students.length - 1) setGrade(state, exam.item.id, userid, 40 + ((userid * 11 + courseid * 7) % 58));
    });
    const attendance = addGradedModule(state, { courseid, modname: 'attendance', name: 'Attendance', grademax: 100 });
    seedAttendanceStatuses(state, attendance.module.instance);
    for (let week = 0; week < 4; week += 1) {
      addAttendanceSession(state, {
        attendanceid: attendance.module.instance,
        sessdate: termStart + week * 7 * day,
        duration: 3600,
        description: `Week ${week + 1} seminar`,
        log: students.map((studentid, index) => ({ studentid, acronym: attendanceCycle[(index + week * 3) % attendanceCycle.length], remarks: '' })),
      });
    }
  }
}
