import { createErpnextClient, requestLineLimit, type ErpnextClient } from '../../src/erpnext/client';
import { createAssessmentPlans } from '../../src/erpnext/resources/assessment-plans';
import { createAssessmentResults } from '../../src/erpnext/resources/assessment-results';
import { createStudentGroups } from '../../src/erpnext/resources/student-groups';
import { demoAssessmentPlans, demoStudents } from '../../sandboxes/demo-data';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';

/**
 * Issue 9, defect 1: no look-up builds a GET that gunicorn refuses. The sandbox answers a request
 * line over 4094 bytes with gunicorn's HTML 400 (045), so before the fix every look-up below past
 * the edge failed permanently.
 */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
});
afterAll(() => sandbox.close());

const requests = async (): Promise<Record<string, number>> => (await fetch(`${sandbox.url}/__sandbox/requests`)).json() as Promise<Record<string, number>>;
const resetRequests = () => fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });

/** The GET request line a list read puts on the wire (what gunicorn measures), built as a browser or fetch would. */
function getRequestLine(doctype: string, query: Record<string, unknown>): number {
  const url = new URL(`${sandbox.url}/api/resource/${encodeURIComponent(doctype)}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return Buffer.byteLength(`GET ${url.pathname}${url.search} HTTP/1.1`);
}

const fewStudents = demoStudents.slice(0, 3).map((s) => s.name);

describe('at the request-line edge', () => {
  // One unknown name of growing length (unknown `in` values are ignored) moves the line across the limit byte by byte.
  const filtersWith = (pad: number) => [['name', 'in', [...fewStudents, 'X'.repeat(pad)]]];
  const query = (pad: number) => ({ fields: ['name'], filters: filtersWith(pad), limit_page_length: 0 });
  const padAt = (length: number) => {
    const base = getRequestLine('Student', query(0));
    return length - base;
  };

  it.each([
    ['two bytes under', requestLineLimit - 2],
    ['exactly at', requestLineLimit],
    ['one byte over', requestLineLimit + 1],
    ['two bytes over', requestLineLimit + 2],
  ])('a look-up %s the limit answers the same rows', async (_label, length) => {
    const pad = padAt(length);
    expect(getRequestLine('Student', query(pad))).toBe(length);
    await resetRequests();
    const rows = await erp.getList<{ name: string }>('Student', { fields: ['name'], filters: filtersWith(pad) as [string, string, unknown][], limitPageLength: 0 });
    expect(rows.map((r) => r.name).sort()).toEqual([...fewStudents].sort());
    // A GET that fits is kept (one request, the resource API); one that does not goes as a POST body.
    expect(await requests()).toEqual(length <= requestLineLimit ? { 'GET Student': 1 } : { 'POST frappe.client.get_list': 1 });
  });

  it('the sandbox itself refuses that GET one byte over, as gunicorn does', async () => {
    const url = new URL(`${sandbox.url}/api/resource/Student`);
    for (const [key, value] of Object.entries(query(padAt(requestLineLimit + 1)))) url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    const response = await fetch(url, { headers: { authorization: 'token dev-key:dev-secret' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Request Line is too large');
  });
});

describe('the look-ups that outgrow a GET', () => {
  it("the grade write's retry check of 200 students", async () => {
    const plan = demoAssessmentPlans[0];
    const graded = (await createStudentGroups(erp).activeStudents(plan.studentGroup)).slice(0, 2);
    const results = createAssessmentResults(erp);
    await resetRequests();
    const students = [...graded, ...Array.from({ length: 198 }, (_, i) => `EDU-STU-2026-${String(50_000 + i).padStart(5, '0')}`)];
    expect(getRequestLine('Assessment Result', { filters: [['assessment_plan', '=', plan.name], ['docstatus', '<', 2], ['student', 'in', students]] })).toBeGreaterThan(requestLineLimit);
    await erp.insertMany(graded.map((student) => ({ doctype: 'Assessment Result', assessment_plan: plan.name, student, details: [{ assessment_criteria: 'Course Total', score: 70 }] })));
    const rows = await results.list(plan.name, { students });
    expect(rows.map((r) => r.student).sort()).toEqual([...graded].sort());
    expect((await requests())['POST frappe.client.get_list']).toBeGreaterThan(0);
  });

  const mappedCourses = (demo: string[], count: number, nameLength: number) => [
    ...demo,
    ...Array.from({ length: count - demo.length }, (_, i) => `Course ${String(i).padStart(4, '0')} `.padEnd(nameLength, 'x')),
  ];

  it.each([
    ['300 short course names', 300, 8],
    ['110 long course names', 110, 48],
  ])('the nightly plan and group look-ups of %s', async (_label, count, nameLength) => {
    const demo = demoAssessmentPlans.map((p) => p.course);
    const courses = mappedCourses(demo, count, nameLength);
    expect(getRequestLine('Assessment Plan', { fields: ['name', 'course'], filters: [['course', 'in', courses], ['docstatus', '=', 1]] })).toBeGreaterThan(requestLineLimit);
    const plans = await createAssessmentPlans(erp).currentByCourse(courses);
    expect(Object.keys(plans).sort()).toEqual([...new Set(demo)].sort());
    const groups = await createStudentGroups(erp).byCourse(courses);
    expect(Object.keys(groups).sort()).toEqual([...new Set(demo)].sort());
  });
});
