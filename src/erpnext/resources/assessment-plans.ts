import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/** Education's `Assessment Plan`: how one course's results are scored, and for which Student Group. */
export const assessmentPlanSchema = z.looseObject({
  name: z.string(),
  course: z.string(),
  student_group: z.string(),
  maximum_assessment_score: z.number(),
  assessment_criteria: z.array(z.looseObject({ assessment_criteria: z.string(), maximum_score: z.number() })).default([]),
});
export type AssessmentPlan = z.infer<typeof assessmentPlanSchema>;

const courseRow = columns(assessmentPlanSchema.pick({ name: true, course: true }));

/** DocType `Assessment Plan`. */
export function createAssessmentPlans(erp: ErpnextClient) {
  return {
    get: (name: string): Promise<AssessmentPlan> => erp.getDoc('Assessment Plan', name, { schema: assessmentPlanSchema }),

    /** The current plan of each Course: the submitted one with the latest schedule_date, in one paged list read. */
    async currentByCourse(courses: string[], call?: CallOptions): Promise<Record<string, string>> {
      const plans: Record<string, string> = {};
      if (courses.length === 0) return plans;
      const rows = erp.iterate(
        'Assessment Plan',
        { ...courseRow, filters: [['course', 'in', courses], ['docstatus', '=', 1]], orderBy: 'schedule_date desc, name desc' },
        call,
      );
      for await (const row of rows) plans[row.course] ??= row.name;
      return plans;
    },
  };
}
