import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoAcademicTerm, demoAcademicYear, demoAssessmentPlans, demoProgramEnrollments, demoStudentGroups, demoStudents, programOf } from '../../sandboxes/demo-data';

/** The DocType rules and side effects the product depends on, observed through the REST API. */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
});
afterAll(() => sandbox.close());

const raw = (path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { authorization: 'token dev-key:dev-secret', ...(init.body ? { 'content-type': 'application/json' } : {}) } });

describe('demo seed', () => {
  it('holds the names demo-data promises', async () => {
    expect((await erp.getList('Student', { orderBy: 'name asc', limitPageLength: 0 })).map((s) => s.name)).toEqual(demoStudents.map((s) => s.name));
    expect((await erp.getList('Program Enrollment', { fields: ['name', 'student'], orderBy: 'name asc', limitPageLength: 0 })).map((r) => ({ name: r.name, student: r.student }))).toEqual(
      demoProgramEnrollments.map(({ name, student }) => ({ name, student })),
    );
    expect((await erp.getList('Assessment Plan', { fields: ['name', 'course', 'student_group'], orderBy: 'name asc', limitPageLength: 0 })).map((r) => [r.name, r.course, r.student_group])).toEqual(
      demoAssessmentPlans.map((p) => [p.name, p.course, p.studentGroup]),
    );
    const group = await erp.getDoc('Student Group', demoStudentGroups[1].name);
    expect(group).toMatchObject({ students: demoStudentGroups[1].students.map((student, i) => ({ student, group_roll_number: i + 1 })) });
  });
});

describe('Student', () => {
  it('gets its Customer in on_update, linked by db.set_value: absent from the insert response, present when read again', async () => {
    const inserted = await erp.insert('Student', { first_name: 'Priya', last_name: 'Nair', student_email_id: 'priya.nair@students.cbu.example' });
    expect(inserted.customer).toBeUndefined();
    const read = await erp.getDoc('Student', inserted.name);
    expect(read.customer).toBe('Priya Nair');
    // set_value bumped `modified`, so the insert response is already stale for the optimistic lock.
    expect(read.modified).not.toBe(inserted.modified);
    expect(await erp.getDoc('Customer', 'Priya Nair')).toMatchObject({ customer_type: 'Individual', customer_group: 'Student' });

    const namesake = await erp.insert('Student', { first_name: 'Priya', last_name: 'Nair', student_email_id: 'p.nair2@students.cbu.example' });
    expect((await erp.getDoc('Student', namesake.name)).customer).toBe('Priya Nair - 1');

    // A later save renames the linked Customer; Education's own website user is linked too.
    await erp.update('Student', inserted.name, { last_name: 'Nair-Iyer' });
    expect(await erp.getDoc('Customer', 'Priya Nair')).toMatchObject({ customer_name: 'Priya Nair-Iyer' });
    expect(read.user).toBe('priya.nair@students.cbu.example');
  });

  it('accepts Custom Fields once a Custom Field document adds them', async () => {
    const before = await erp.update('Student', demoStudents[6].name, { custom_moodle_user_id: 42 });
    expect(before.custom_moodle_user_id).toBeUndefined();
    // Named from the label with Frappe's `custom_` prefix.
    const field = await erp.insert('Custom Field', { dt: 'Student', label: 'Moodle User ID', fieldtype: 'Int', read_only: 1 });
    expect(field).toMatchObject({ name: 'Student-custom_moodle_user_id', fieldname: 'custom_moodle_user_id' });
    expect((await erp.getDoc('Student', demoStudents[7].name)).custom_moodle_user_id).toBe(0);
    expect((await erp.update('Student', demoStudents[6].name, { custom_moodle_user_id: '42' })).custom_moodle_user_id).toBe(42);
    expect(await erp.getList('Student', { fields: ['name'], filters: [['custom_moodle_user_id', '>', 0]] })).toEqual([{ name: demoStudents[6].name }]);
    await expect(erp.insert('Custom Field', { dt: 'Student', fieldname: 'city', fieldtype: 'Data' })).rejects.toMatchObject({ status: 417, messages: ['A field with the name city already exists in Student'] });
  });
});

describe('Program Enrollment', () => {
  const student = demoStudents[46];
  const enrol = () => erp.insert('Program Enrollment', { student: student.name, program: student.program, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name });

  it('fills its courses from the Program, creates Course Enrollments on submit and deletes them on cancel', async () => {
    const draft = await enrol();
    expect(draft).toMatchObject({ courses: programOf(student.program).courses.map((course) => ({ course })) });
    expect(await erp.getCount('Course Enrollment', { program_enrollment: draft.name })).toBe(0);

    await erp.update('Program Enrollment', draft.name, { docstatus: 1 });
    const enrollments = await erp.getList('Course Enrollment', { fields: ['course', 'student', 'program', 'enrollment_date'], filters: { program_enrollment: draft.name }, orderBy: 'course asc' });
    expect(enrollments.map((e) => e.course)).toEqual([...programOf(student.program).courses].sort());
    expect(enrollments[0]).toMatchObject({ student: student.name, program: student.program });

    await expect(enrol()).rejects.toMatchObject({ status: 417, messages: ['Student is already enrolled.'] });
    await expect(erp.update('Program Enrollment', draft.name, { program: 'BSc Computer Science' })).rejects.toMatchObject({ status: 417, excType: 'UpdateAfterSubmitError' });

    await erp.cancel('Program Enrollment', draft.name);
    expect(await erp.getCount('Course Enrollment', { program_enrollment: draft.name })).toBe(0);
    await expect(erp.update('Program Enrollment', draft.name, { student_batch_name: 'late' })).rejects.toMatchObject({ excType: 'ValidationError', messages: [] });
    // Cancelled, it no longer blocks a new enrollment.
    expect((await enrol()).docstatus).toBe(0);
  });

  it('blocks deleting a Student that enrollments still link to', async () => {
    await expect(erp.delete('Student', demoStudents[0].name)).rejects.toMatchObject({ status: 417, excType: 'LinkExistsError' });
  });
});

describe('Assessment Result', () => {
  const plan = demoAssessmentPlans.find((p) => p.course === 'CS102');
  const result = (student: string, score: number) => ({ assessment_plan: plan?.name, student, details: [{ assessment_criteria: 'Course Total', score }] });

  it('computes total and grades from the Grading Scale and the plan\'s maximum', async () => {
    const doc = await erp.insert('Assessment Result', result(demoStudents[3].name, 64.5));
    expect(doc).toMatchObject({ total_score: 64.5, grade: 'B', maximum_score: 100, student_group: plan?.studentGroup, course: 'CS102', student_name: 'George Taylor' });
    expect(doc).toMatchObject({ details: [{ maximum_score: 100, grade: 'B', score: 64.5 }] });
  });

  it('refuses a score above the maximum and a student outside the plan\'s group', async () => {
    await expect(erp.insert('Assessment Result', result(demoStudents[6].name, 101))).rejects.toMatchObject({ status: 417, messages: ['Score cannot be greater than Maximum Score'] });
    await expect(erp.insert('Assessment Result', result(demoStudents[1].name, 50))).rejects.toMatchObject({
      status: 417,
      excType: 'StudentNotInGroupError',
      messages: [`Student ${demoStudents[1].name} does not belong to group ${plan?.studentGroup}`],
    });
  });
});

describe('Student Attendance', () => {
  const group = demoStudentGroups.find((g) => g.course === 'CS101');
  const [first, second] = group?.students ?? [];

  it('is unique per student, group and date, requires membership, and is marked in bulk by Education\'s API', async () => {
    const present = await erp.insert('Student Attendance', { student: first, student_group: group?.name, date: '2026-10-01', status: 'Present', docstatus: 1 });
    expect(present.name).toMatch(/^EDU-ATT-2026-\d{5}$/);
    await expect(erp.insert('Student Attendance', { student: first, student_group: group?.name, date: '2026-10-01', status: 'Absent' })).rejects.toMatchObject({ status: 417 });
    await expect(erp.insert('Student Attendance', { student: demoStudents[1].name, student_group: group?.name, date: '2026-10-01' })).rejects.toMatchObject({ status: 417 });
    await expect(erp.insert('Student Attendance', { student: first, student_group: group?.name, date: '2026-12-25' })).rejects.toMatchObject({ messages: ['Attendance cannot be marked for 2026-12-25 as it is a holiday.'] });
    // status is allow_on_submit: a submitted record can still be corrected.
    expect((await erp.update('Student Attendance', present.name, { status: 'Leave' })).status).toBe('Leave');

    const students = JSON.stringify([{ student: second, student_name: 'As Education sends it' }]);
    await erp.callMethod('education.education.api.mark_attendance', { students_present: students, students_absent: '[]', student_group: group?.name, date: '2026-10-02' });
    const marked = await erp.getList('Student Attendance', { fields: ['student', 'status', 'docstatus'], filters: { date: '2026-10-02' } });
    expect(marked).toEqual([{ student: second, status: 'Present', docstatus: 1 }]);
    // Education json.loads the lists: a JSON array instead of a string fails there too.
    await expect(erp.callMethod('education.education.api.mark_attendance', { students_present: [], students_absent: '[]', student_group: group?.name, date: '2026-10-03' })).rejects.toMatchObject({ status: 500 });
  });
});

describe('Sales Invoice and Payment Entry', () => {
  it('a submitted Payment Entry settles the invoice: outstanding 0, status Paid; cancelling it reopens the invoice', async () => {
    const student = await erp.getDoc('Student', demoStudents[8].name);
    const invoice = await erp.insert('Sales Invoice', { customer: student.customer, student: student.name, items: [{ item_code: 'ELEC-PHO150', qty: 1 }] });
    expect(invoice).toMatchObject({ status: 'Draft', grand_total: 250, currency: 'GBP', company: 'Campus Bridge University', debit_to: 'Debtors - CBU' });
    expect(invoice).toMatchObject({ items: [{ item_name: 'Elective: Digital Photography', rate: 250, amount: 250 }] });
    await erp.update('Sales Invoice', invoice.name, { docstatus: 1 });

    const payment = await erp.insert('Payment Entry', {
      payment_type: 'Receive',
      party_type: 'Customer',
      party: student.customer,
      paid_from: 'Debtors - CBU',
      paid_to: 'Cash - CBU',
      paid_amount: 250,
      received_amount: 250,
      references: [{ reference_doctype: 'Sales Invoice', reference_name: invoice.name, allocated_amount: 250 }],
      company: 'Campus Bridge University',
      docstatus: 1,
    });
    expect(await erp.getDoc('Sales Invoice', invoice.name)).toMatchObject({ outstanding_amount: 0, status: 'Paid' });

    await erp.cancel('Payment Entry', payment.name);
    expect(await erp.getDoc('Sales Invoice', invoice.name)).toMatchObject({ outstanding_amount: 250, status: 'Unpaid' });
  });

  it('cancelling a paid invoice unlinks its Payment Entry, which stays submitted with the money unallocated (captures 291, 295)', async () => {
    const student = await erp.getDoc('Student', demoStudents[8].name);
    const invoice = await erp.insert('Sales Invoice', { customer: student.customer, student: student.name, items: [{ item_code: 'ELEC-PHO150', qty: 1 }] });
    await erp.update('Sales Invoice', invoice.name, { docstatus: 1 });
    const payment = await erp.insert('Payment Entry', {
      payment_type: 'Receive',
      party_type: 'Customer',
      party: student.customer,
      paid_from: 'Debtors - CBU',
      paid_to: 'Cash - CBU',
      paid_amount: 250,
      received_amount: 250,
      references: [{ reference_doctype: 'Sales Invoice', reference_name: invoice.name, allocated_amount: 250 }],
      company: 'Campus Bridge University',
      docstatus: 1,
    });

    // Accounts Settings `unlink_payment_on_cancellation_of_invoice` is on: no LinkExistsError.
    expect(await erp.cancel('Sales Invoice', invoice.name)).toMatchObject({ docstatus: 2, status: 'Cancelled' });
    const unlinked = await erp.getDoc('Payment Entry', payment.name);
    expect(unlinked).toMatchObject({ docstatus: 1, unallocated_amount: 250, references: [] });
  });
});

describe('transactions', () => {
  it('insert_many is all-or-nothing', async () => {
    const before = await erp.getCount('Course');
    await expect(erp.insertMany([{ doctype: 'Course', course_name: 'NEW101' }, { doctype: 'Course', course_name: 'CS101' }])).rejects.toMatchObject({ status: 409 });
    expect(await erp.getCount('Course')).toBe(before);
    // Nothing of the rolled-back batch lingers, not even in the unique-email check.
    const email = 'rolled.back@students.cbu.example';
    await expect(erp.insertMany([{ doctype: 'Student', first_name: 'Roll', student_email_id: email }, { doctype: 'Student', student_email_id: 'x@y.example' }])).rejects.toMatchObject({ excType: 'MandatoryError' });
    expect((await erp.insert('Student', { first_name: 'Roll', student_email_id: email })).student_email_id).toBe(email);
    await expect(erp.insert('Student', { first_name: 'Again', student_email_id: email })).rejects.toMatchObject({ excType: 'UniqueValidationError' });
  });

  it('a function that commits itself keeps its writes even when called by GET', async () => {
    // Education's mark_attendance ends with frappe.db.commit(), which Frappe's GET rollback cannot undo.
    const group = demoStudentGroups[0];
    const query = new URLSearchParams({ students_present: JSON.stringify([{ student: group.students[0], student_name: 'Amelia Smith' }]), students_absent: '[]', student_group: group.name, date: '2026-09-21' });
    const response = await fetch(`${sandbox.url}/api/method/education.education.api.mark_attendance?${query}`, { headers: { authorization: 'token dev-key:dev-secret' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ _server_messages: expect.stringContaining('Attendance has been marked successfully.') });
    expect(await erp.getCount('Student Attendance', { date: '2026-09-21', docstatus: 1 })).toBe(1);
  });

  it('counts requests per METHOD and DocType or method', async () => {
    await raw('/__sandbox/requests', { method: 'DELETE' });
    await erp.getDoc('Student', demoStudents[0].name);
    await erp.getList('Student');
    await erp.getCount('Student');
    await erp.insertMany([{ doctype: 'Course', course_name: 'CNT101' }]);
    expect(await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()).toEqual({ 'GET Student': 2, 'GET frappe.client.get_count': 1, 'POST frappe.client.insert_many': 1 });
  });
});

describe('concurrent requests', () => {
  // Education's "Student is already enrolled." is a SELECT in validate, with no unique index behind
  // it: on a multi-worker site two concurrent enrolments both pass it. The interleaving mode lets
  // that race show; the default mode serves one request at a time, so it never can.
  const student = demoStudents.find((s, i) => i !== 46 && !demoProgramEnrollments.some((e) => e.student === s.name)) ?? demoStudents[0];
  const enrolTwiceAtOnce = async (site: ErpnextSandbox) => {
    const client = createErpnextClient({ url: site.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    const body = { student: student.name, program: student.program, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name };
    const results = await Promise.allSettled([client.insert('Program Enrollment', body), client.insert('Program Enrollment', body)]);
    const stored = await client.getList('Program Enrollment', { fields: ['name'], filters: { student: student.name }, limitPageLength: 0 });
    return { results, stored };
  };

  it('one request at a time (default): the second of two concurrent duplicate enrolments is refused', async () => {
    const serial = await startErpnextSandbox({ seed: 'demo' });
    try {
      const { results, stored } = await enrolTwiceAtOnce(serial);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 417, messages: ['Student is already enrolled.'] } });
      expect(stored).toHaveLength(1);
    } finally {
      await serial.close();
    }
  });

  it('interleaving like a multi-worker site: both concurrent duplicate enrolments pass the check and are stored', async () => {
    const workers = await startErpnextSandbox({ seed: 'demo', interleaving: { windowMs: 50 } });
    try {
      const { results, stored } = await enrolTwiceAtOnce(workers);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const names = results.map((r) => (r.status === 'fulfilled' ? r.value.name : ''));
      expect(new Set(names).size).toBe(2);
      expect(stored.map((r) => r.name).sort()).toEqual([...names].sort());
      // A later, non-concurrent request sees the committed rows and is refused as usual.
      const client = createErpnextClient({ url: workers.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
      await expect(client.insert('Program Enrollment', { student: student.name, program: student.program, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name })).rejects.toMatchObject({ status: 417 });
    } finally {
      await workers.close();
    }
  });

  it('interleaving keeps each request its own transaction: a failing insert rolls back only its own writes', async () => {
    const workers = await startErpnextSandbox({ seed: 'demo', interleaving: { windowMs: 50 } });
    try {
      const client = createErpnextClient({ url: workers.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
      const before = await client.getCount('Course');
      // The second reuses the first's name: both pass validation, the primary key refuses the later write.
      const results = await Promise.allSettled([client.insert('Course', { course_name: 'Concurrent Course' }), client.insert('Course', { course_name: 'Concurrent Course' })]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(results[1]).toMatchObject({ reason: { status: 409, excType: 'DuplicateEntryError' } });
      expect(await client.getCount('Course')).toBe(before + 1);
    } finally {
      await workers.close();
    }
  });
});
