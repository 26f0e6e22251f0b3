import { z } from 'zod';
import { completionKey, isTrackedUser, setActivityState, trackedActivities } from '../completion-tracking';
import { invalidRecord, MoodleException, moodleException } from '../exceptions';
import { value } from '../parameters';
import type { CourseModule, MoodleState } from '../state';
import { findCourse } from './courses';
import { requireCapability, type WsFunction } from './function';

/**
 * Activity completion functions of completion/classes/external.php, as captures 253–272 show
 * them; `mark_course_self_completed` beyond `nottracked` and the manual-update checks follow the source.
 */

function findUser(state: MoodleState, userid: number) {
  const user = state.users.find((candidate) => candidate.id === userid && !candidate.deleted);
  if (!user) throw new MoodleException('dml_missing_record_exception', 'invaliduser', 'Invalid user');
  return user;
}

function findModule(state: MoodleState, cmid: number): CourseModule {
  const module = state.modules.find((candidate) => candidate.id === cmid);
  if (!module) throw new MoodleException('dml_missing_record_exception', 'invalidcoursemodule', 'Invalid course module ID');
  return module;
}

const completionNotEnabled = () => moodleException('completionnotenabled', 'Completion is not enabled');

export const getActivitiesCompletionStatus: WsFunction = {
  name: 'core_completion_get_activities_completion_status',
  version: '2022112810',
  parameters: { courseid: value('int'), userid: value('int') },
  execute(args, context) {
    const { courseid, userid } = z.object({ courseid: z.number(), userid: z.number() }).parse(args);
    const { state } = context;
    findCourse(state, courseid);
    findUser(state, userid);
    // Only someone else's completion needs the report capability (addendum table).
    if (userid !== context.caller.id) requireCapability(context, 'report/progress:view', 'View activity completion reports');
    const tracked = isTrackedUser(state, courseid, userid);
    const statuses = trackedActivities(state, courseid).map((module) => {
      const row = tracked ? state.activityCompletions.get(completionKey(module.id, userid)) : undefined;
      const current = row?.state ?? 0;
      const automatic = module.completion === 2;
      return {
        cmid: module.id,
        modname: module.modname,
        instance: module.instance,
        state: current,
        timecompleted: row?.timemodified ?? 0,
        tracking: module.completion,
        overrideby: row?.overrideby ?? null,
        valueused: false,
        hascompletion: true,
        isautomatic: automatic,
        istrackeduser: tracked,
        uservisible: module.visible === 1,
        // An override sets every rule's status to the overall state (265).
        details: automatic && module.completionview ? [{ rulename: 'completionview', rulevalue: { status: row?.overrideby ? current : row?.viewed ? 1 : 0, description: 'View' } }] : [],
      };
    });
    return { statuses, warnings: [] };
  },
};

export const overrideActivityCompletionStatus: WsFunction = {
  name: 'core_completion_override_activity_completion_status',
  version: '2022112810',
  parameters: { userid: value('int'), cmid: value('int'), newstate: value('int') },
  execute(args, context) {
    const { userid, cmid, newstate } = z.object({ userid: z.number(), cmid: z.number(), newstate: z.number() }).parse(args);
    const { state } = context;
    const module = findModule(state, cmid);
    // Thrown by hand with an errorcode whose string lookup fails, hence "error/nopermission" (259).
    if (!context.hasCapability('moodle/course:overridecompletion')) throw new MoodleException('required_capability_exception', 'nopermission', 'error/nopermission');
    findUser(state, userid);
    if (!trackedActivities(state, module.courseid).length && !findCourse(state, module.courseid).enablecompletion) throw completionNotEnabled();
    if (newstate !== 0 && newstate !== 1) {
      throw moodleException('err_system', 'An internal error occurred in the completion system. (System administrators can enable debugging information to see more detail.)', `Unexpected manual completion state for ${cmid}: ${newstate}`);
    }
    // Works for users who are not enrolled too (264).
    setActivityState(state, module, userid, newstate, context.caller.id);
    const row = state.activityCompletions.get(completionKey(cmid, userid));
    return { cmid, userid, state: newstate, timecompleted: row?.timemodified ?? 0, overrideby: context.caller.id, tracking: module.completion ?? 0 };
  },
};

export const updateActivityCompletionStatusManually: WsFunction = {
  name: 'core_completion_update_activity_completion_status_manually',
  version: '2022112810',
  parameters: { cmid: value('int'), completed: value('bool') },
  execute(args, context) {
    const { cmid, completed } = z.object({ cmid: z.number(), completed: z.boolean() }).parse(args);
    const { state } = context;
    const module = findModule(state, cmid);
    if (!findCourse(state, module.courseid).enablecompletion) throw completionNotEnabled();
    if (module.completion !== 1) throw moodleException('cannotmanualctrack', 'Activity does not provide manual completion tracking');
    // Acts on the calling user, enrolled or not (270).
    setActivityState(state, module, context.caller.id, completed ? 1 : 0, null);
    return { status: true, warnings: [] };
  },
};

export const markCourseSelfCompleted: WsFunction = {
  name: 'core_completion_mark_course_self_completed',
  version: '2022112810',
  parameters: { courseid: value('int') },
  execute(args, context) {
    const { courseid } = z.object({ courseid: z.number() }).parse(args);
    const { state } = context;
    const course = state.courses.find((candidate) => candidate.id === courseid);
    if (!course) throw invalidRecord('course', 'SELECT * FROM {course} WHERE id = ?', [courseid]);
    if (!course.enablecompletion) throw completionNotEnabled();
    if (!isTrackedUser(state, courseid, context.caller.id)) throw moodleException('nottracked', 'You are currently not being tracked by completion in this course');
    // The sandbox models no self-completion criterion (message text from the source's lang pack, approximated).
    throw moodleException('noselfcompletioncriteria', 'The course has not been set up for self-completion');
  },
};
