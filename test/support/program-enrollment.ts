import type { ErpnextClient } from '../../src/erpnext/client';

/** The term the demo seed's academic calendar opens (sandboxes/erpnext's seed): every test enrolment is for it. */
export const demoTerm = { academic_year: '2026-27', academic_term: '2026-27 (Autumn)', enrollment_date: '2026-09-01' } as const;

/** A Program Enrollment of `student` in `program` for the demo term, inserted submitted (docstatus 1) as a registrar's is. */
export function submitProgramEnrollment(erp: ErpnextClient, student: string, program: string) {
  return erp.insert('Program Enrollment', { student, program, ...demoTerm, docstatus: 1 });
}
