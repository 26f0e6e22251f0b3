import { z } from 'zod';
import { MoodleException, moodleException } from '../exceptions';
import { activeEnrolmentIndex } from '../enrolments';
import { activityItems, courseGradeMax, courseTotalItem, finalGrade, setGrade } from '../gradebook';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { fullname } from '../presenters';
import type { GradeItem, UserRecord } from '../state';
import { findCourse } from './courses';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

const formatted = (grade: number) => grade.toFixed(2);

function reportItem(item: GradeItem, grademax: number, user: UserRecord, context: FunctionContext) {
  const grade = finalGrade(context.state, item, user.id);
  const report: Record<string, unknown> = {
    id: item.id,
    itemname: item.itemname,
    itemtype: item.itemtype,
    itemmodule: item.itemmodule,
    iteminstance: item.iteminstance,
    itemnumber: item.itemnumber,
    idnumber: item.itemtype === 'course' ? null : item.idnumber,
    categoryid: item.categoryid,
    outcomeid: null,
    scaleid: null,
    locked: false,
  };
  if (item.cmid !== undefined) report.cmid = item.cmid;
  if (item.itemtype !== 'course' && grade.value !== null) {
    const weight = grademax / courseGradeMax(context.state, item.courseid, user.id);
    Object.assign(report, { weightraw: weight, weightformatted: `${(weight * 100).toFixed(2)} %` });
  }
  Object.assign(report, {
    graderaw: grade.value,
    gradedatesubmitted: null,
    gradedategraded: grade.timemodified,
    gradehiddenbydate: false,
    gradeneedsupdate: false,
    gradeishidden: false,
    gradeislocked: false,
    gradeisoverridden: false,
    gradeformatted: grade.value === null ? '-' : formatted(grade.value),
    grademin: item.grademin,
    grademax,
    rangeformatted: `${item.grademin}&ndash;${grademax}`,
    percentageformatted: grade.value === null ? '-' : `${formatted(((grade.value - item.grademin) / (grademax - item.grademin)) * 100)} %`,
    feedback: '',
    feedbackformat: 0,
  });
  return report;
}

export const getGradeItems: WsFunction = {
  name: 'gradereport_user_get_grade_items',
  version: '2022112800',
  parameters: { courseid: value('int'), userid: value('int', withDefault(0)), groupid: value('int', withDefault(0)) },
  execute(args, context) {
    const { courseid, userid } = z.object({ courseid: z.number(), userid: z.number() }).parse(args);
    const { state } = context;
    const course = findCourse(state, courseid);
    requireCapability(context, 'gradereport/user:view', 'View your own grade report');
    let users: UserRecord[];
    if (userid) {
      const user = state.users.find((candidate) => candidate.id === userid);
      if (!user) throw new MoodleException('dml_missing_record_exception', 'invaliduser', 'Invalid user', `SELECT * FROM {user} WHERE id = ?\n[array (\n  0 => ${userid},\n)]`);
      users = [user];
    } else {
      // Graded roles (student) with active enrolments, ordered by lastname then firstname.
      const graded = new Set(state.roleAssignments.filter((ra) => ra.courseid === courseid && ra.roleid === 5).map((ra) => ra.userid));
      const active = activeEnrolmentIndex(state);
      users = state.users
        .filter((user) => graded.has(user.id) && active.get(user.id)?.has(courseid))
        .sort((a, b) => a.lastname.localeCompare(b.lastname) || a.firstname.localeCompare(b.firstname));
    }
    const total = courseTotalItem(state, courseid);
    // Without mod/<module>:view the caller cannot see the activity, so its item is left out (capture 109).
    const visible = activityItems(state, courseid).filter((item) => !item.itemmodule || context.hasCapability(`mod/${item.itemmodule}:view`));
    const usergrades = users.map((user) => ({
      courseid,
      courseidnumber: course.idnumber,
      userid: user.id,
      userfullname: fullname(user),
      useridnumber: user.idnumber,
      maxdepth: 2,
      gradeitems: [...visible.map((item) => reportItem(item, item.grademax, user, context)), reportItem(total, courseGradeMax(state, courseid, user.id), user, context)],
    }));
    return { usergrades, warnings: [] };
  },
};

export const updateGrades: WsFunction = {
  name: 'core_grades_update_grades',
  version: '2022112810',
  parameters: {
    source: value('text'),
    courseid: value('int'),
    component: value('text'),
    activityid: value('int'),
    itemnumber: value('int'),
    grades: multiple(single({ studentid: value('int'), grade: value('float'), str_feedback: value('text', optional) }), optional),
    itemdetails: single({}, optional),
  },
  execute(args, context) {
    const { courseid, activityid, grades = [] } = z
      .object({ courseid: z.number(), activityid: z.number(), grades: z.array(z.object({ studentid: z.number(), grade: z.number() })).optional() })
      .parse(args);
    const { state } = context;
    findCourse(state, courseid);
    const module = state.modules.find((candidate) => candidate.id === activityid && candidate.courseid === courseid);
    if (!module) throw moodleException('invalidcoursemodule', 'Invalid course module ID');
    requireCapability(context, 'moodle/grade:edit', 'Edit grades');
    const item = state.gradeItems.find((candidate) => candidate.cmid === module.id);
    if (!item) throw moodleException('invalidcoursemodule', 'Invalid course module ID');
    // Only userid + rawgrade reach grade_update: str_feedback is accepted but dropped (capture 102).
    for (const grade of grades) setGrade(state, item.id, grade.studentid, grade.grade);
    return 0;
  },
};
