import { z } from 'zod';
import { columns } from '../columns';
import type { ErpnextClient } from '../client';

/** Education's `Program Enrollment`: which Program a Student is enrolled in, and whether it is submitted. */
export const programEnrollmentSchema = z.looseObject({
  name: z.string(),
  student: z.string(),
  program: z.string(),
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type ProgramEnrollment = z.infer<typeof programEnrollmentSchema>;

const row = columns(programEnrollmentSchema);

/** DocType `Program Enrollment`. */
export function createProgramEnrollments(erp: ErpnextClient) {
  return {
    get: (name: string): Promise<ProgramEnrollment> => erp.getDoc('Program Enrollment', name, { schema: programEnrollmentSchema }),

    /** Those of `names` that exist, in one list read (`name in [...]`; a long list is POSTed, see the client's getList). */
    findAll: async (names: string[]): Promise<ProgramEnrollment[]> =>
      names.length === 0 ? [] : erp.getList('Program Enrollment', { ...row, filters: [['name', 'in', names]], limitPageLength: 0 }),

    /** The student's submitted enrollments, oldest first, in one list read. */
    listSubmitted: (student: string): Promise<ProgramEnrollment[]> =>
      erp.getList('Program Enrollment', { ...row, filters: [['student', '=', student], ['docstatus', '=', 1]], orderBy: 'creation asc', limitPageLength: 0 }),
  };
}
