import { activityInfo } from '@temporalio/activity';
import { z } from 'zod';
import type { ErpnextClient } from '../src/erpnext/client';
import type { DesiredResult, ExistingResult, PlanContext } from '../src/mapping/grades';
import { lastCompletedWatermarks } from './last-watermarks';

const resultRowSchema = z.object({ name: z.string(), student: z.string(), docstatus: z.number().int(), total_score: z.number().optional() });
const planRowSchema = z.object({ name: z.string(), course: z.string() });

type ResultRow = z.infer<typeof resultRowSchema>;

/**
 * ERPNext side of the grade sync (Assessment Plan, Student Group, Assessment Result), closed over
 * one client; spread into createErpnextActivities. Writes are safe to retry: a retry re-reads what
 * the failed attempt may already have written and skips it, because Frappe has no idempotency key.
 */
export function createErpnextGradeActivities(erp: ErpnextClient) {
  async function listResults(plan: string, students: readonly string[] | undefined, includeCancelled: boolean): Promise<ResultRow[]> {
    const filters: [string, string, unknown][] = [['assessment_plan', '=', plan]];
    if (!includeCancelled) filters.push(['docstatus', '<', 2]);
    if (students !== undefined) filters.push(['student', 'in', students]);
    const rows: ResultRow[] = [];
    for await (const row of erp.iterate('Assessment Result', { fields: ['name', 'student', 'docstatus', 'total_score'], filters, schema: resultRowSchema, pageSize: 1000 })) {
      rows.push(row);
    }
    return rows;
  }

  const isRetry = () => activityInfo().attempt > 1;
  const detailsOf = (result: DesiredResult) => result.details.map((detail) => ({ assessment_criteria: detail.assessment_criteria, score: detail.score }));
  const sameScore = (row: ResultRow, result: DesiredResult) => Math.abs((row.total_score ?? Number.NaN) - result.totalScore) < 0.005;

  return {
    /**
     * The current plan per ERPNext Course: the submitted `Assessment Plan` with the latest
     * schedule_date (one list read for all courses).
     */
    async erpnextFindAssessmentPlans(courses: string[]): Promise<Record<string, string>> {
      if (courses.length === 0) return {};
      const plans: Record<string, string> = {};
      const rows = erp.iterate('Assessment Plan', {
        fields: ['name', 'course'],
        filters: [['course', 'in', courses], ['docstatus', '=', 1]],
        orderBy: 'schedule_date desc, name desc',
        schema: planRowSchema,
      });
      for await (const row of rows) plans[row.course] ??= row.name;
      return plans;
    },

    /** `Assessment Plan` scoring and the students active in its `Student Group`. */
    async erpnextLoadAssessmentPlan(plan: string): Promise<PlanContext> {
      const doc = await erp.getDoc('Assessment Plan', plan);
      const group = await erp.getDoc('Student Group', doc.student_group);
      return {
        plan,
        maximumScore: doc.maximum_assessment_score,
        criteria: (doc.assessment_criteria ?? []).map((row) => ({ criterion: row.assessment_criteria, maximumScore: row.maximum_score })),
        studentGroup: doc.student_group,
        activeStudents: (group.students ?? []).filter((row) => row.active !== 0).map((row) => row.student),
      };
    },

    /** Non-cancelled `Assessment Result`s of a plan, in one paged list read. */
    async erpnextListAssessmentResults(input: { plan: string; students?: string[] }): Promise<ExistingResult[]> {
      const rows = await listResults(input.plan, input.students, false);
      return rows.map((row) => ({ name: row.name, student: row.student, docstatus: row.docstatus === 1 ? 1 : 0, totalScore: row.total_score ?? Number.NaN }));
    },

    /** Inserts `Assessment Result`s with `frappe.client.insert_many` (≤ 200, submitted when configured). */
    async erpnextCreateAssessmentResults(input: { plan: string; results: DesiredResult[]; submit: boolean }): Promise<{ created: number }> {
      let results = input.results;
      if (isRetry()) {
        const present = new Set((await listResults(input.plan, results.map((r) => r.student), false)).map((row) => row.student));
        results = results.filter((result) => !present.has(result.student));
      }
      if (results.length === 0) return { created: 0 };
      const docs = results.map((result) => ({
        doctype: 'Assessment Result',
        assessment_plan: input.plan,
        student: result.student,
        details: detailsOf(result),
        ...(input.submit ? { docstatus: 1 } : {}),
      }));
      return { created: (await erp.insertMany(docs)).length };
    },

    /** Updates draft `Assessment Result`s in place (`PUT`), submitting them in the same save when configured. */
    async erpnextUpdateAssessmentResults(input: { plan: string; results: (DesiredResult & { name: string })[]; submit: boolean }): Promise<{ updated: number }> {
      let results = input.results;
      if (isRetry()) {
        const current = new Map((await listResults(input.plan, results.map((r) => r.student), false)).map((row) => [row.name, row]));
        results = results.filter((result) => {
          const row = current.get(result.name);
          return !(row && sameScore(row, result) && row.docstatus === (input.submit ? 1 : 0));
        });
      }
      for (const result of results) {
        await erp.update('Assessment Result', result.name, { details: detailsOf(result), ...(input.submit ? { docstatus: 1 } : {}) });
      }
      return { updated: results.length };
    },

    /**
     * Submitted results cannot be edited, so Frappe's rule applies: cancel (`docstatus: 2`), then
     * insert the amendment with `amended_from` (Frappe names it `<name>-1`), all amendments in one
     * `insert_many`.
     */
    async erpnextAmendAssessmentResults(input: { plan: string; results: (DesiredResult & { name: string })[]; submit: boolean }): Promise<{ amended: number }> {
      const rows = isRetry() ? await listResults(input.plan, input.results.map((r) => r.student), true) : [];
      const cancelled = new Set(rows.filter((row) => row.docstatus === 2).map((row) => row.name));
      const live = new Set(rows.filter((row) => row.docstatus < 2).map((row) => row.student));
      for (const result of input.results) {
        if (!cancelled.has(result.name)) await erp.cancel('Assessment Result', result.name);
      }
      const docs = input.results
        .filter((result) => !live.has(result.student) || !cancelled.has(result.name))
        .map((result) => ({
          doctype: 'Assessment Result',
          assessment_plan: input.plan,
          student: result.student,
          amended_from: result.name,
          details: detailsOf(result),
          ...(input.submit ? { docstatus: 1 } : {}),
        }));
      if (docs.length > 0) await erp.insertMany(docs);
      return { amended: input.results.length };
    },

    /**
     * Where the grade sync starts: the last completed run's watermarks (see lastCompletedWatermarks).
     * Runs on the ERPNext queue because it guards ERPNext writes and needs no system of its own.
     */
    async erpnextLastGradeWatermarks(): Promise<Record<string, number>> {
      return lastCompletedWatermarks('syncGrades');
    },
  };
}

export type ErpnextGradeActivities = ReturnType<typeof createErpnextGradeActivities>;
