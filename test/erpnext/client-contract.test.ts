import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { programSchema } from '../../src/erpnext/resources/programs';
import { studentSchema } from '../../src/erpnext/resources/students';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { demoStudents } from '../../sandboxes/demo-data';

/** Each client function against the sandbox over real HTTP: the success path. */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
});
afterAll(() => sandbox.close());

const newStudent = (n: number) => ({ first_name: `Test${n}`, last_name: 'Student', student_email_id: `test${n}@contract.example` });

describe('reads', () => {
  it('getDoc returns the document parsed with the given schema, without null fields, child tables included', async () => {
    const student = await erp.getDoc('Student', demoStudents[0].name, { schema: studentSchema });
    expect(student).toMatchObject({ name: 'EDU-STU-2026-00001', first_name: 'Amelia', student_email_id: demoStudents[0].email, docstatus: 0, doctype: 'Student' });
    expect(Object.values(student)).not.toContain(null);
    expect('middle_name' in student).toBe(false);

    const program = await erp.getDoc('Program', 'BSc Nursing', { schema: programSchema });
    expect(program.courses.map((c) => c.course)).toEqual(['NUR101', 'NUR102', 'NUR103', 'NUR110']);
    expect(program.courses[0]).toMatchObject({ parent: 'BSc Nursing', parentfield: 'courses', parenttype: 'Program', idx: 1 });
  });

  it('getList applies fields, list and dict filters, or_filters, ordering and paging', async () => {
    const cs = await erp.getList('Student', { fields: ['name', 'first_name'], filters: [['first_name', 'like', 'A%']], orderBy: 'first_name desc', limitPageLength: 0 });
    expect(cs.map((s) => s.first_name)).toEqual(['Ava', 'Arthur', 'Arjun', 'Amelia', 'Alfie', 'Aisha']);
    expect(Object.keys(cs[0]).sort()).toEqual(['first_name', 'name']);

    const byDict = await erp.getList('Course Enrollment', { fields: ['course'], filters: { student: demoStudents[2].name }, orderBy: 'course asc' });
    expect(byDict.map((r) => r.course)).toEqual(['NUR101', 'NUR102', 'NUR103', 'NUR110']);

    const either = await erp.getList('Course', { filters: { name: ['in', ['CS101', 'CS102', 'BUS101']] }, orFilters: [['name', '=', 'CS101'], ['name', '=', 'BUS101']], orderBy: 'name asc' });
    expect(either).toEqual([{ name: 'BUS101' }, { name: 'CS101' }]);

    const page2 = await erp.getList('Student', { orderBy: 'name asc', limitStart: 20, limitPageLength: 5, schema: studentSchema.pick({ name: true }) });
    expect(page2.map((s) => s.name)).toEqual(demoStudents.slice(20, 25).map((s) => s.name));
  });

  it('getList defaults to Frappe\'s page of 20 and filters on child tables', async () => {
    expect(await erp.getList('Student', { orderBy: 'name asc' })).toHaveLength(20);
    const withNur110 = await erp.getList('Program', { filters: [['Program Course', 'course', '=', 'NUR110']] });
    expect(withNur110).toEqual([{ name: 'BSc Nursing' }]);
  });

  it('getCount counts with filters', async () => {
    expect(await erp.getCount('Student')).toBe(50);
    expect(await erp.getCount('Program Enrollment', [['docstatus', '=', 1]])).toBe(45);
    expect(await erp.getCount('Student', { student_email_id: ['like', '%.invalid'] })).toBe(1);
  });

  it('callMethod calls whitelisted functions by GET and POST', async () => {
    expect(await erp.callMethod('frappe.auth.get_logged_user', {}, 'GET')).toBe('Administrator');
    expect(await erp.callMethod('frappe.client.get_value', { doctype: 'Student', filters: demoStudents[1].name, fieldname: ['first_name', 'customer'] }, 'GET')).toEqual({
      first_name: 'Oliver',
      customer: 'Oliver Jones',
    });
    const saved = await erp.callMethod('frappe.client.set_value', { doctype: 'Course', name: 'CS201', fieldname: 'description', value: 'Relational databases' }, 'POST');
    expect(saved).toMatchObject({ name: 'CS201', description: 'Relational databases', department: 'Academic' });
  });
});

describe('iterate', () => {
  it('pages through more than 1000 students in order and stops on the short page', async () => {
    const paging = await startErpnextSandbox();
    try {
      const client = createErpnextClient({ url: paging.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
      for (let batch = 0; batch < 6; batch++) {
        await client.insertMany(Array.from({ length: 200 }, (_, i) => ({ doctype: 'Student', ...newStudent(batch * 200 + i) })));
      }
      await client.insertMany(Array.from({ length: 37 }, (_, i) => ({ doctype: 'Student', ...newStudent(1200 + i) })));
      await fetch(`${paging.url}/__sandbox/requests`, { method: 'DELETE' });

      const names: string[] = [];
      let answered = 0;
      for await (const row of client.iterate('Student', { fields: ['name', 'student_email_id'], pageSize: 250 }, { onProgress: () => answered++ })) names.push(String(row.name));

      expect(names).toHaveLength(1237);
      expect(new Set(names).size).toBe(1237);
      expect(names[0]).toMatch(/^EDU-STU-\d{4}-00001$/);
      expect(names[1236]).toMatch(/-01237$/);
      const counts = (await (await fetch(`${paging.url}/__sandbox/requests`)).json()) as Record<string, number>;
      expect(counts['GET Student']).toBe(5);
      expect(answered).toBe(5);
    } finally {
      await paging.close();
    }
  });
});

describe('writes', () => {
  it('insert returns the stored document with its series name', async () => {
    const student = await erp.insert('Student', newStudent(1));
    expect(student.name).toMatch(/^EDU-STU-\d{4}-\d{5}$/);
    expect(student).toMatchObject({ student_name: 'Test1 Student', docstatus: 0, enabled: 1 });
  });

  it('insertMany inserts up to 200 documents in one call and refuses more before sending', async () => {
    const names = await erp.insertMany([
      { doctype: 'Student', ...newStudent(2) },
      { doctype: 'Student', ...newStudent(3) },
    ]);
    expect(names).toHaveLength(2);
    expect((await erp.getDoc('Student', names[1])).student_email_id).toBe('test3@contract.example');
    await expect(erp.insertMany(Array.from({ length: 201 }, (_, i) => ({ doctype: 'Student', ...newStudent(500 + i) })))).rejects.toMatchObject({ kind: 'permanent', code: 'TooManyDocuments' });
  });

  it('update saves a patch and honours the optimistic lock', async () => {
    const student = await erp.insert('Student', newStudent(4));
    const updated = await erp.update('Student', student.name, { student_mobile_number: '+44 7700 900999', modified: (await erp.getDoc('Student', student.name)).modified });
    expect(updated.student_mobile_number).toBe('+44 7700 900999');
    await expect(erp.update('Student', student.name, { city: 'York', modified: student.modified })).rejects.toMatchObject({ kind: 'transient', code: 'TimestampMismatchError', status: 417 });
  });

  it('update with docstatus 1 submits, and cancel moves a document to docstatus 2', async () => {
    const plan = await erp.getDoc('Assessment Plan', 'EDU-ASP-2026-00001');
    const result = await erp.insert('Assessment Result', {
      assessment_plan: plan.name,
      student: demoStudents[0].name,
      details: [{ assessment_criteria: 'Course Total', score: 71 }],
    });
    expect(result).toMatchObject({ docstatus: 0, grade: 'A', total_score: 71, maximum_score: 100, course: 'CS101' });
    expect((await erp.update('Assessment Result', result.name, { docstatus: 1 })).docstatus).toBe(1);
    expect((await erp.cancel('Assessment Result', result.name)).docstatus).toBe(2);
  });

  it('delete removes a draft', async () => {
    const draft = await erp.insert('Course', { course_name: 'TMP100' });
    await erp.delete('Course', draft.name);
    await expect(erp.getDoc('Course', 'TMP100')).rejects.toMatchObject({ code: 'DoesNotExistError', status: 404 });
  });
});
