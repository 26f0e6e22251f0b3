import { criterionCompletionKey, requirementText } from '../completion-tracking';
import type { FunctionContext } from './function';

/** `core_completion_get_course_completion_status` for activity criteria: one type-4 entry per activity (258, 266, 272). */
export function activityCompletionStatus(context: FunctionContext, courseid: number, userid: number, cmids: number[]) {
  const { state } = context;
  const timecompletedCourse = state.courseCompletions.get(`${courseid}:${userid}`) ?? null;
  const completions = cmids.map((cmid) => {
    const module = state.modules.find((candidate) => candidate.id === cmid);
    const met = state.criterionCompletions.get(criterionCompletionKey(courseid, userid, cmid)) ?? null;
    return {
      type: 4,
      title: 'Activity completion',
      status: met === null ? 'No' : 'Yes',
      complete: met !== null,
      timecompleted: met,
      details: {
        type: 'Activity completion',
        criteria: module ? `<a href="${context.siteUrl}/mod/${module.modname}/view.php?id=${module.id}">${module.name}</a>` : '',
        requirement: module ? requirementText(module) : '',
        status: '',
      },
    };
  });
  return { completionstatus: { completed: timecompletedCourse !== null, aggregation: 1, completions }, warnings: [] };
}
