import type { ErpnextClient } from '../../src/erpnext/client';
import { demoAcademicTerm, demoAcademicYear, demoPrograms } from '../../sandboxes/demo-data';

/** One admit the run adds on top of the demo data: what ERPNext holds, and so what Moodle must end up with. */
export interface SeededStudent {
  name: string;
  email: string;
  program: string;
}

/**
 * `count` new admits, each with a submitted Program Enrollment in one of the demo programs, through
 * ERPNext's REST API (`frappe.client.insert_many`, 200 documents a request, as Frappe caps it).
 */
export async function seedStudents(erp: ErpnextClient, count: number): Promise<SeededStudent[]> {
  const seeded: SeededStudent[] = [];
  for (let start = 0; start < count; start += 200) {
    const rows = Array.from({ length: Math.min(200, count - start) }, (_, k) => {
      const i = start + k;
      return { i, email: `topology.admit.${i}@students.cbu.example`, program: demoPrograms[i % demoPrograms.length]!.name };
    });
    const names = await erp.insertMany(rows.map(({ i, email }) => ({ doctype: 'Student', first_name: `Topology${i}`, last_name: 'Admit', student_email_id: email })));
    await erp.insertMany(
      names.map((student, k) => ({
        doctype: 'Program Enrollment',
        student,
        program: rows[k]!.program,
        academic_year: demoAcademicYear.name,
        academic_term: demoAcademicTerm.name,
        enrollment_date: demoAcademicTerm.termStartDate,
        docstatus: 1,
      })),
    );
    names.forEach((name, k) => seeded.push({ name, email: rows[k]!.email, program: rows[k]!.program }));
  }
  return seeded;
}
