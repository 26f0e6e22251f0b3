import { z } from 'zod';
import { columns } from '../columns';
import { docstatusFor, type CallOptions, type ErpnextClient } from '../client';

/**
 * Education's `Assessment Result`. We write the plan, the student and a score per criterion;
 * Education fills in the rest from the plan and computes `total_score` and the grade.
 */
export const assessmentResultSchema = z.looseObject({
  name: z.string(),
  assessment_plan: z.string(),
  student: z.string(),
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: z.number().int(),
  total_score: z.number().optional(),
  details: z.array(z.looseObject({ assessment_criteria: z.string(), score: z.number() })).default([]),
});

const row = columns(assessmentResultSchema.pick({ name: true, student: true, docstatus: true, total_score: true }));
export type AssessmentResultRow = z.infer<typeof row.schema>;

/** One student's scores, one per criterion of the plan. */
export interface ResultScores {
  student: string;
  details: readonly { assessment_criteria: string; score: number }[];
}

export interface ResultFilter {
  /** Only these students' results; every student's without it. */
  students?: readonly string[];
  /** Cancelled results too (docstatus 2), which a retried amendment needs to see. */
  includeCancelled?: boolean;
}

const detailsOf = (result: ResultScores) => result.details.map((detail) => ({ assessment_criteria: detail.assessment_criteria, score: detail.score }));

/** DocType `Assessment Result`. */
export function createAssessmentResults(erp: ErpnextClient) {
  const document = (plan: string, result: ResultScores, submit: boolean) => ({
    doctype: 'Assessment Result',
    assessment_plan: plan,
    student: result.student,
    details: detailsOf(result),
    ...docstatusFor(submit),
  });

  return {
    /** A plan's results (non-cancelled unless asked), in one paged list read. */
    async list(plan: string, filter: ResultFilter, call?: CallOptions): Promise<AssessmentResultRow[]> {
      const filters: [string, string, unknown][] = [['assessment_plan', '=', plan]];
      if (!filter.includeCancelled) filters.push(['docstatus', '<', 2]);
      if (filter.students !== undefined) filters.push(['student', 'in', filter.students]);
      const rows: AssessmentResultRow[] = [];
      for await (const result of erp.iterate('Assessment Result', { ...row, filters, pageSize: 1000 }, call)) rows.push(result);
      return rows;
    },

    /** Inserts results with `frappe.client.insert_many` (≤ 200, all or nothing); returns how many. */
    async insert(plan: string, results: readonly ResultScores[], submit: boolean, call?: CallOptions): Promise<number> {
      if (results.length === 0) return 0;
      return (await erp.insertMany(results.map((result) => document(plan, result, submit)), call)).length;
    },

    /**
     * Inserts the amendments of cancelled results in one `insert_many`: `amended_from` makes
     * Frappe name each `<name>-1`.
     */
    async insertAmendments(plan: string, results: readonly (ResultScores & { name: string })[], submit: boolean, call?: CallOptions): Promise<void> {
      if (results.length === 0) return;
      await erp.insertMany(results.map((result) => ({ ...document(plan, result, submit), amended_from: result.name })), call);
    },

    /** Rewrites the scores of drafts in place (`PUT`, one per result), submitting them in the same save when asked. */
    async updateDrafts(results: readonly (ResultScores & { name: string })[], submit: boolean, call?: CallOptions): Promise<void> {
      for (const result of results) {
        await erp.update('Assessment Result', result.name, { details: detailsOf(result), ...docstatusFor(submit) }, call);
      }
    },

    /** Cancels submitted results (`docstatus: 2`, one `PUT` each): Frappe allows no other change to them. */
    async cancel(names: readonly string[], call?: CallOptions): Promise<void> {
      for (const name of names) {
        await erp.cancel('Assessment Result', name, call);
      }
    },
  };
}
