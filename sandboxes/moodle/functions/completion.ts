import { z } from 'zod';
import { moodleException } from '../exceptions';
import { isEnrolled } from '../enrolments';
import { courseTotalItem, finalGrade } from '../gradebook';
import { value } from '../parameters';
import { findCourse } from './courses';
import { requireCapability, type WsFunction } from './function';
import { activityCompletionStatus } from './completion-criteria';

/** Course completion with the one criterion the sandbox models: "course grade ≥ gradepass". */
export const getCourseCompletionStatus: WsFunction = {
  name: 'core_completion_get_course_completion_status',
  version: '2022112810',
  parameters: { courseid: value('int'), userid: value('int') },
  execute(args, context) {
    const { courseid, userid } = z.object({ courseid: z.number(), userid: z.number() }).parse(args);
    const { state } = context;
    findCourse(state, courseid);
    requireCapability(context, 'report/completion:view', 'View course completion report');
    // Enrolment is checked before criteria (capture 118).
    if (!isEnrolled(state, courseid, userid)) throw moodleException('usernotenroled', 'User is not enrolled in this course');
    const activityCriteria = state.activityCriteria.get(courseid);
    if (activityCriteria) return activityCompletionStatus(context, courseid, userid, activityCriteria.map((criterion) => criterion.cmid));
    const criterion = state.completionCriteria.get(courseid);
    if (!criterion) throw moodleException('nocriteriaset', 'No completion criteria set for this course');
    const grade = finalGrade(state, courseTotalItem(state, courseid), userid).value;
    const gradeText = grade === null ? '-' : grade.toFixed(2);
    const required = criterion.gradepass.toFixed(2);
    // Both change only through the completion tasks: the criterion in one run, the course in a later one (captures 114/115).
    const criterionCompleted = state.gradeCriterionMet.get(`${courseid}:${userid}`) ?? null;
    const timecompleted = state.courseCompletions.get(`${courseid}:${userid}`) ?? null;
    return {
      completionstatus: {
        completed: timecompleted !== null,
        aggregation: 1,
        completions: [
          {
            type: 6,
            title: 'Course grade',
            status: `${gradeText} (${required} required)`,
            complete: criterionCompleted !== null,
            timecompleted: criterionCompleted,
            details: { type: 'Course grade', criteria: 'Required course grade', requirement: required, status: gradeText },
          },
        ],
      },
      warnings: [],
    };
  },
};
