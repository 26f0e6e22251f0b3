import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { mappingSchema } from '../../src/config/mapping-file';
import { startLifecycleWorkflow } from '../../src/starters/lifecycle-events';
import { submitProgramEnrollment } from '../support/program-enrollment';
import type { LifecycleStack } from './lifecycle-stack';

/** A Student admitted with a submitted Program Enrollment whose enrolment events are still to be delivered. */
export interface LateAdmission {
  student: string;
  programEnrollment: string;
  courseEnrollments: { name: string; course: string }[];
  /** Starts the Program Enrollment's and Course Enrollments' runs as their (late) deliveries would. */
  deliverEnrolmentEvents(): Promise<void>;
}

const policy = lifecyclePolicy(mappingSchema.parse({}));

async function setLifecycleWebhooks(stack: LifecycleStack, enabled: 0 | 1): Promise<void> {
  const hooks = await stack.erp.getList('Webhook', { fields: ['name'], filters: [['webhook_doctype', 'in', ['Student', 'Program Enrollment', 'Course Enrollment']]] });
  if (hooks.length === 0) throw new Error('setup made no lifecycle Webhooks');
  for (const { name } of hooks) await stack.erp.update('Webhook', String(name), { enabled });
}

/**
 * A burst's admission as the bridge sees it (docs/burst.md): the site delivers a Data Import's
 * Student webhooks before its enrolment ones, so the enrolment events arrive after onboarding has
 * finished. The lifecycle Webhooks are off while the Student and its Program Enrollment are
 * inserted (back on afterwards, so the write-back's on_update still reaches the profile run);
 * onboarding is started as the Student's delivery starts it, and the caller delivers the rest.
 */
export async function admitWithLateEnrolmentEvents(stack: LifecycleStack, emailLocalPart: string): Promise<LateAdmission> {
  await setLifecycleWebhooks(stack, 0);
  const { name: student } = await stack.erp.insert('Student', { first_name: 'Mary', last_name: 'Somerville', student_email_id: `${emailLocalPart}@students.cbu.example`, city: 'Jedburgh' });
  const pe = await submitProgramEnrollment(stack.erp, student, 'BA Business');
  const programEnrollment = String(pe.name);
  const rows = await stack.erp.getList('Course Enrollment', { fields: ['name', 'course'], filters: [['program_enrollment', '=', programEnrollment]] });
  await setLifecycleWebhooks(stack, 1);
  const courseEnrollments = rows.map((row) => ({ name: String(row.name), course: String(row.course) }));
  await startLifecycleWorkflow(stack.temporal, { kind: 'student-created', student }, policy);
  return {
    student,
    programEnrollment,
    courseEnrollments,
    async deliverEnrolmentEvents() {
      await startLifecycleWorkflow(stack.temporal, { kind: 'program-enrollment-submitted', programEnrollment, student, program: 'BA Business' }, policy);
      for (const ce of courseEnrollments) {
        await startLifecycleWorkflow(stack.temporal, { kind: 'course-enrollment-created', courseEnrollment: ce.name, student, course: ce.course, programEnrollment }, policy);
      }
    },
  };
}
