import { activityInfo } from '@temporalio/activity';
import type { ErpnextClient } from '../src/erpnext/client';
import { createAssessmentPlans } from '../src/erpnext/resources/assessment-plans';
import { createAssessmentResults, type AssessmentResultRow } from '../src/erpnext/resources/assessment-results';
import { createStudentGroups } from '../src/erpnext/resources/student-groups';
import type { DesiredResult, ExistingResult, PlanContext } from '../src/mapping/grades';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';
import { keepHeartbeating } from './keep-heartbeating';

const sameScore = (row: AssessmentResultRow, result: DesiredResult) => Math.abs((row.total_score ?? Number.NaN) - result.totalScore) < 0.005;

/**
 * ERPNext side of the grade sync (Assessment Plan, Student Group, Assessment Result), closed over
 * one client. Writes are safe to retry: a retry re-reads what the failed attempt may already have
 * written and skips it, because Frappe has no idempotency key.
 */
export function createErpnextGradeActivities(erp: ErpnextClient) {
  const plans = createAssessmentPlans(erp);
  const groups = createStudentGroups(erp);
  const results = createAssessmentResults(erp);
  const isRetry = () => activityInfo().attempt > 1;

  return withFailureMapping(
    keepHeartbeating({
      /** The current plan per ERPNext Course: the submitted `Assessment Plan` with the latest schedule_date. */
      async erpnextFindAssessmentPlans(courses: string[]): Promise<Record<string, string>> {
        return plans.currentByCourse(courses, activityCall());
      },

      /** `Assessment Plan` scoring and the students active in its `Student Group`. */
      async erpnextLoadAssessmentPlan(plan: string): Promise<PlanContext> {
        const doc = await plans.get(plan);
        return {
          plan,
          maximumScore: doc.maximum_assessment_score,
          criteria: doc.assessment_criteria.map((row) => ({ criterion: row.assessment_criteria, maximumScore: row.maximum_score })),
          studentGroup: doc.student_group,
          activeStudents: await groups.activeStudents(doc.student_group),
        };
      },

      /** Non-cancelled `Assessment Result`s of a plan, in one paged list read. */
      async erpnextListAssessmentResults(input: { plan: string; students?: string[] }): Promise<ExistingResult[]> {
        const rows = await results.list(input.plan, { students: input.students }, activityCall());
        return rows.map((row) => ({ name: row.name, student: row.student, docstatus: row.docstatus === 1 ? 1 : 0, totalScore: row.total_score ?? Number.NaN }));
      },

      /** Inserts `Assessment Result`s (≤ 200 in one `insert_many`, submitted when configured). */
      async erpnextCreateAssessmentResults(input: { plan: string; results: DesiredResult[]; submit: boolean }): Promise<{ created: number }> {
        const call = activityCall();
        let desired = input.results;
        if (isRetry()) {
          const present = new Set((await results.list(input.plan, { students: desired.map((r) => r.student) }, call)).map((row) => row.student));
          desired = desired.filter((result) => !present.has(result.student));
        }
        return { created: await results.insert(input.plan, desired, input.submit, call) };
      },

      /** Updates draft `Assessment Result`s in place, submitting them in the same save when configured. */
      async erpnextUpdateAssessmentResults(input: { plan: string; results: (DesiredResult & { name: string })[]; submit: boolean }): Promise<{ updated: number }> {
        const call = activityCall();
        let desired = input.results;
        if (isRetry()) {
          const current = new Map((await results.list(input.plan, { students: desired.map((r) => r.student) }, call)).map((row) => [row.name, row]));
          desired = desired.filter((result) => {
            const row = current.get(result.name);
            return !(row && sameScore(row, result) && row.docstatus === (input.submit ? 1 : 0));
          });
        }
        await results.updateDrafts(desired, input.submit, call);
        return { updated: desired.length };
      },

      /**
       * Submitted results cannot be edited, so Frappe's rule applies: cancel, then insert the
       * amendment. A retry skips the cancellations and amendments an earlier attempt made.
       */
      async erpnextAmendAssessmentResults(input: { plan: string; results: (DesiredResult & { name: string })[]; submit: boolean }): Promise<{ amended: number }> {
        const call = activityCall();
        const rows = isRetry() ? await results.list(input.plan, { students: input.results.map((r) => r.student), includeCancelled: true }, call) : [];
        const cancelled = new Set(rows.filter((row) => row.docstatus === 2).map((row) => row.name));
        const live = new Set(rows.filter((row) => row.docstatus < 2).map((row) => row.student));
        await results.cancel(input.results.filter((result) => !cancelled.has(result.name)).map((result) => result.name), call);
        await results.insertAmendments(input.plan, input.results.filter((result) => !live.has(result.student) || !cancelled.has(result.name)), input.submit, call);
        return { amended: input.results.length };
      },
    }),
  );
}

export type ErpnextGradeActivities = ReturnType<typeof createErpnextGradeActivities>;
