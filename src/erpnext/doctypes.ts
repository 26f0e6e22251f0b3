import { z } from 'zod';

/**
 * ERPNext / Education DocTypes as the REST API returns them. Resource responses are
 * `as_dict(no_nulls=True)`, so a null field is simply absent; the client drops nulls from list
 * rows too, which lets every schema say `optional()` for "may be empty". Objects are loose: a
 * site's Custom Fields (e.g. `Student.moodle_user_id`) pass through.
 */
const docBase = {
  name: z.string(),
  owner: z.string().optional(),
  creation: z.string().optional(),
  modified: z.string().optional(),
  modified_by: z.string().optional(),
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: z.number().int().min(0).max(2).optional(),
  idx: z.number().int().optional(),
  doctype: z.string().optional(),
};

const childBase = { ...docBase, parent: z.string().optional(), parentfield: z.string().optional(), parenttype: z.string().optional() };

/** Check fields are 0/1 integers on the wire. */
const check = z.number().int().min(0).max(1);

export const frappeDocSchema = z.looseObject(docBase);
export type FrappeDoc = z.infer<typeof frappeDocSchema>;

export const studentSchema = z.looseObject({
  ...docBase,
  enabled: check.optional(),
  first_name: z.string(),
  middle_name: z.string().optional(),
  last_name: z.string().optional(),
  student_name: z.string().optional(),
  student_email_id: z.string(),
  student_mobile_number: z.string().optional(),
  user: z.string().optional(),
  joining_date: z.string().optional(),
  date_of_birth: z.string().optional(),
  gender: z.string().optional(),
  address_line_1: z.string().optional(),
  address_line_2: z.string().optional(),
  pincode: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  country: z.string().optional(),
  customer: z.string().optional(),
  customer_group: z.string().optional(),
  date_of_leaving: z.string().optional(),
});
export type Student = z.infer<typeof studentSchema>;

export const programCourseSchema = z.looseObject({ ...childBase, course: z.string(), course_name: z.string().optional(), required: check.optional() });
export const programSchema = z.looseObject({
  ...docBase,
  program_name: z.string(),
  program_abbreviation: z.string().optional(),
  department: z.string().optional(),
  courses: z.array(programCourseSchema).optional(),
});
export type Program = z.infer<typeof programSchema>;

export const courseSchema = z.looseObject({
  ...docBase,
  course_name: z.string(),
  department: z.string().optional(),
  default_grading_scale: z.string().optional(),
  description: z.string().optional(),
});
export type Course = z.infer<typeof courseSchema>;

export const academicYearSchema = z.looseObject({ ...docBase, academic_year_name: z.string(), year_start_date: z.string().optional(), year_end_date: z.string().optional() });
export type AcademicYear = z.infer<typeof academicYearSchema>;

export const academicTermSchema = z.looseObject({
  ...docBase,
  academic_year: z.string(),
  term_name: z.string(),
  term_start_date: z.string().optional(),
  term_end_date: z.string().optional(),
});
export type AcademicTerm = z.infer<typeof academicTermSchema>;

export const programEnrollmentCourseSchema = z.looseObject({ ...childBase, course: z.string(), course_name: z.string().optional() });
export const programEnrollmentSchema = z.looseObject({
  ...docBase,
  student: z.string(),
  student_name: z.string().optional(),
  program: z.string(),
  academic_year: z.string(),
  academic_term: z.string().optional(),
  enrollment_date: z.string().optional(),
  courses: z.array(programEnrollmentCourseSchema).optional(),
});
export type ProgramEnrollment = z.infer<typeof programEnrollmentSchema>;

export const courseEnrollmentSchema = z.looseObject({
  ...docBase,
  program_enrollment: z.string(),
  student: z.string(),
  student_name: z.string().optional(),
  course: z.string(),
  program: z.string().optional(),
  enrollment_date: z.string(),
});
export type CourseEnrollment = z.infer<typeof courseEnrollmentSchema>;

export const studentGroupStudentSchema = z.looseObject({
  ...childBase,
  student: z.string(),
  student_name: z.string().optional(),
  group_roll_number: z.number().int().optional(),
  active: check.optional(),
});
export const studentGroupSchema = z.looseObject({
  ...docBase,
  student_group_name: z.string(),
  group_based_on: z.enum(['Batch', 'Course', 'Activity']),
  academic_year: z.string(),
  academic_term: z.string().optional(),
  program: z.string().optional(),
  course: z.string().optional(),
  max_strength: z.number().int().optional(),
  disabled: check.optional(),
  students: z.array(studentGroupStudentSchema).optional(),
});
export type StudentGroup = z.infer<typeof studentGroupSchema>;

export const gradingScaleIntervalSchema = z.looseObject({ ...childBase, grade_code: z.string(), threshold: z.number(), grade_description: z.string().optional() });
export const gradingScaleSchema = z.looseObject({ ...docBase, grading_scale_name: z.string(), intervals: z.array(gradingScaleIntervalSchema).optional() });
export type GradingScale = z.infer<typeof gradingScaleSchema>;

export const assessmentPlanCriteriaSchema = z.looseObject({ ...childBase, assessment_criteria: z.string(), maximum_score: z.number() });
export const assessmentPlanSchema = z.looseObject({
  ...docBase,
  assessment_name: z.string().optional(),
  student_group: z.string(),
  assessment_group: z.string(),
  course: z.string(),
  program: z.string().optional(),
  academic_year: z.string().optional(),
  academic_term: z.string().optional(),
  grading_scale: z.string(),
  schedule_date: z.string(),
  from_time: z.string(),
  to_time: z.string(),
  maximum_assessment_score: z.number(),
  assessment_criteria: z.array(assessmentPlanCriteriaSchema).optional(),
});
export type AssessmentPlan = z.infer<typeof assessmentPlanSchema>;

export const assessmentResultDetailSchema = z.looseObject({
  ...childBase,
  assessment_criteria: z.string(),
  maximum_score: z.number().optional(),
  score: z.number(),
  grade: z.string().optional(),
});
export const assessmentResultSchema = z.looseObject({
  ...docBase,
  assessment_plan: z.string(),
  student: z.string(),
  student_name: z.string().optional(),
  course: z.string().optional(),
  program: z.string().optional(),
  academic_year: z.string().optional(),
  academic_term: z.string().optional(),
  student_group: z.string().optional(),
  assessment_group: z.string().optional(),
  grading_scale: z.string().optional(),
  maximum_score: z.number().optional(),
  total_score: z.number().optional(),
  grade: z.string().optional(),
  comment: z.string().optional(),
  details: z.array(assessmentResultDetailSchema).optional(),
});
export type AssessmentResult = z.infer<typeof assessmentResultSchema>;

export const studentAttendanceSchema = z.looseObject({
  ...docBase,
  student: z.string(),
  student_name: z.string().optional(),
  date: z.string(),
  course_schedule: z.string().optional(),
  student_group: z.string().optional(),
  status: z.enum(['Present', 'Absent', 'Leave']),
});
export type StudentAttendance = z.infer<typeof studentAttendanceSchema>;

export const customerSchema = z.looseObject({
  ...docBase,
  customer_name: z.string(),
  customer_type: z.string().optional(),
  customer_group: z.string().optional(),
});
export type Customer = z.infer<typeof customerSchema>;

export const itemSchema = z.looseObject({
  ...docBase,
  item_code: z.string(),
  item_name: z.string().optional(),
  item_group: z.string().optional(),
  stock_uom: z.string().optional(),
  standard_rate: z.number().optional(),
});
export type Item = z.infer<typeof itemSchema>;

export const salesInvoiceItemSchema = z.looseObject({
  ...childBase,
  item_code: z.string().optional(),
  item_name: z.string().optional(),
  qty: z.number(),
  rate: z.number(),
  amount: z.number().optional(),
});
export const salesInvoiceSchema = z.looseObject({
  ...docBase,
  customer: z.string(),
  company: z.string().optional(),
  posting_date: z.string().optional(),
  due_date: z.string().optional(),
  currency: z.string().optional(),
  grand_total: z.number().optional(),
  outstanding_amount: z.number().optional(),
  status: z.string().optional(),
  /** Education's custom field linking the invoice to its Student. */
  student: z.string().optional(),
  items: z.array(salesInvoiceItemSchema).optional(),
});
export type SalesInvoice = z.infer<typeof salesInvoiceSchema>;

export const paymentEntryReferenceSchema = z.looseObject({
  ...childBase,
  reference_doctype: z.string(),
  reference_name: z.string(),
  allocated_amount: z.number().optional(),
});
export const paymentEntrySchema = z.looseObject({
  ...docBase,
  payment_type: z.string(),
  party_type: z.string().optional(),
  party: z.string().optional(),
  paid_amount: z.number().optional(),
  received_amount: z.number().optional(),
  references: z.array(paymentEntryReferenceSchema).optional(),
});
export type PaymentEntry = z.infer<typeof paymentEntrySchema>;

export const customFieldSchema = z.looseObject({
  ...docBase,
  dt: z.string(),
  fieldname: z.string(),
  fieldtype: z.string(),
  label: z.string().optional(),
  insert_after: z.string().optional(),
});
export type CustomField = z.infer<typeof customFieldSchema>;

export const webhookSchema = z.looseObject({
  ...docBase,
  webhook_doctype: z.string(),
  webhook_docevent: z.string(),
  enabled: check.optional(),
  condition: z.string().optional(),
  request_url: z.string(),
  request_method: z.string().optional(),
  request_structure: z.string().optional(),
  webhook_json: z.string().optional(),
  enable_security: check.optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookRequestLogSchema = z.looseObject({
  ...docBase,
  webhook: z.string().optional(),
  reference_document: z.string().optional(),
  url: z.string().optional(),
  headers: z.string().optional(),
  data: z.string().optional(),
  response: z.string().optional(),
  error: z.string().optional(),
});
export type WebhookRequestLog = z.infer<typeof webhookRequestLogSchema>;

/** The schema the client parses each DocType's documents with; others fall back to `frappeDocSchema`. */
export const doctypeSchemas = {
  Student: studentSchema,
  Program: programSchema,
  Course: courseSchema,
  'Academic Year': academicYearSchema,
  'Academic Term': academicTermSchema,
  'Program Enrollment': programEnrollmentSchema,
  'Course Enrollment': courseEnrollmentSchema,
  'Student Group': studentGroupSchema,
  'Grading Scale': gradingScaleSchema,
  'Assessment Plan': assessmentPlanSchema,
  'Assessment Result': assessmentResultSchema,
  'Student Attendance': studentAttendanceSchema,
  Customer: customerSchema,
  Item: itemSchema,
  'Sales Invoice': salesInvoiceSchema,
  'Payment Entry': paymentEntrySchema,
  'Custom Field': customFieldSchema,
  Webhook: webhookSchema,
  'Webhook Request Log': webhookRequestLogSchema,
} as const;

export type KnownDoctype = keyof typeof doctypeSchemas;
/** The document type of a DocType name: its schema's type when known, else a generic Frappe document. */
export type DocOf<D extends string> = D extends KnownDoctype ? z.infer<(typeof doctypeSchemas)[D]> : FrappeDoc;

export function schemaOf<D extends string>(doctype: D): z.ZodType<DocOf<D>> {
  const known = (doctypeSchemas as Record<string, z.ZodType>)[doctype];
  return (known ?? frappeDocSchema) as z.ZodType<DocOf<D>>;
}
