import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/** Education's `Academic Term`, named "<academic_year> (<term_name>)" once at insert: the name stays when the term is renamed. */
export const academicTermSchema = z.looseObject({
  name: z.string(),
  academic_year: z.string(),
  term_name: z.string(),
});
export type AcademicTerm = z.infer<typeof academicTermSchema>;

const row = columns(academicTermSchema);

const check = z.number().int().min(0).max(1);

/** A Student Group as the roster needs it: what it is based on, its active students and its instructors. */
export const termStudentGroupSchema = z.looseObject({
  name: z.string(),
  group_based_on: z.string(),
  academic_term: z.string().optional(),
  program: z.string().optional(),
  course: z.string().optional(),
  disabled: check.optional(),
  students: z.array(z.looseObject({ student: z.string(), active: check.optional() })).default([]),
  instructors: z.array(z.looseObject({ instructor: z.string() })).default([]),
});
export type TermStudentGroup = z.infer<typeof termStudentGroupSchema>;

/** DocType `Academic Term`. */
export function createAcademicTerms(erp: ErpnextClient) {
  return {
    /** The named terms (every term when `names` is absent), in one paged list read. */
    async list(names?: string[], call?: CallOptions): Promise<AcademicTerm[]> {
      const terms: AcademicTerm[] = [];
      const filters = names ? [['name', 'in', names] as [string, string, unknown]] : [];
      for await (const term of erp.iterate('Academic Term', { ...row, filters }, call)) terms.push(term);
      return terms;
    },

    /**
     * The enabled Student Groups of the terms, each read whole (a list read cannot return child
     * tables). `only` restricts the read to the named groups.
     */
    async studentGroups(terms: string[], only?: string[], call?: CallOptions): Promise<TermStudentGroup[]> {
      const filters: [string, string, unknown][] = [['academic_term', 'in', terms], ['disabled', '=', 0]];
      if (only) filters.push(['name', 'in', only]);
      const groups: TermStudentGroup[] = [];
      for await (const { name } of erp.iterate('Student Group', { fields: ['name'], filters, schema: z.object({ name: z.string() }) }, call)) {
        groups.push(await erp.getDoc('Student Group', name, { schema: termStudentGroupSchema, signal: call?.signal }));
      }
      return groups;
    },
  };
}
