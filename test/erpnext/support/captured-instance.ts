import { startErpnextSandbox, type ErpnextSandbox } from '../../../sandboxes/erpnext';
import type { Site } from '../../../sandboxes/erpnext/site';
import { isApiCapture, loadCaptures, newReplayState, type ReplayState } from './capture-replay';

/**
 * The ERPNext sandbox set up like the site the captures were taken on (captures README,
 * "Instance" and "Settings"), as it stood before capture 001: what the README states, plus the
 * documents earlier runs had left there as far as the captures show them (218 Students, their
 * Customers and Users, the Programs and Courses of 041/042/051, 8 Program Enrollments and 15 Course
 * Enrollments counted from the names 151 and 160 get).
 */
export const capturedCredentials = {
  admin: { key: 'capture-admin-key', secret: 'capture-admin-secret' },
  limited: { key: 'capture-limited-key', secret: 'capture-limited-secret' },
};

/** The capture run started 2026-12-01 08:48 UTC (README); names and "today" come from that date. */
export const captureRunStart = new Date('2026-12-01T08:48:00Z');

export interface CapturedSandbox {
  sandbox: ErpnextSandbox;
  state: ReplayState;
}

export async function startCapturedSandbox(): Promise<CapturedSandbox> {
  const sandbox = await startErpnextSandbox({
    seed: 'empty',
    apiKey: capturedCredentials.admin.key,
    apiSecret: capturedCredentials.admin.secret,
    apiUsers: [{ user: 'limited@example.com', apiKey: capturedCredentials.limited.key, apiSecret: capturedCredentials.limited.secret, roles: ['Accounts User'] }],
  });
  seedCapturedInstance(sandbox.state.site);
  sandbox.state.site.clock.set(captureRunStart);
  return { sandbox, state: newReplayState(capturedCredentials) };
}

/** Student rows of the pre-existing 218, merged from every capture that lists them before 116 writes any Student. */
function preExistingStudents(): Map<string, Record<string, unknown>> {
  const students = new Map<string, Record<string, unknown>>();
  for (const capture of loadCaptures([1, 115])) {
    if (!isApiCapture(capture) || capture.http_status !== 200) continue;
    const isStudentList = /\/api\/resource\/Student(\?|$)/.test(capture.request.url) || (capture.request.body as { doctype?: string } | undefined)?.doctype === 'Student';
    if (!isStudentList) continue;
    const body = capture.response as { data?: unknown; message?: unknown };
    const rows = body.data ?? body.message;
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) continue;
      const record = row as Record<string, unknown>;
      const name = String(record.name);
      students.set(name, { ...record, ...students.get(name) });
    }
  }
  return students;
}

/** Order of the Students in the unordered name-only list (030): the `modified` index, oldest first. */
function defaultListOrder(): string[] {
  const capture = loadCaptures([30, 30]).find(isApiCapture);
  return ((capture?.response as { data: { name: string }[] }).data ?? []).map((row) => row.name);
}

function seedCapturedInstance(site: Site) {
  site.clock.set(new Date('2026-12-01T08:29:40Z'));
  // The setup wizard's system default: new Students get country "United States" (012, 048).
  site.setDefault('country', 'United States');
  // …and its default currency, which read-only currency Links start from (Fee Schedule, 342).
  site.setDefault('currency', 'USD');
  site.transaction(() => {
    site.insert('Holiday List', { holiday_list_name: 'CB 2026-27', from_date: '2026-09-01', to_date: '2027-08-31', holidays: [{ holiday_date: '2026-12-25', description: 'Christmas' }] });
    site.insert('Company', { company_name: 'Campus Demo University', abbr: 'CDU', default_currency: 'USD', country: 'United States', default_holiday_list: 'CB 2026-27' });
    site.insert('Academic Year', { academic_year_name: '2026-27', year_start_date: '2026-09-01', year_end_date: '2027-08-31' });
    site.insert('Custom Field', { dt: 'Student', label: 'Moodle User ID', fieldname: 'custom_moodle_user_id', fieldtype: 'Int', read_only: 1 });
    for (const course of ['CS101', 'MATH101', 'ENG101', 'DIFF-FWD9A-A', 'DIFF-FWD9A-B']) site.insert('Course', { course_name: course });
    const required = (courses: string[]) => courses.map((course) => ({ course, required: 1 }));
    site.insert('Program', { program_name: 'BSc Computer Science', program_abbreviation: 'BSCS', courses: required(['CS101', 'MATH101', 'ENG101']) });
    site.insert('Program', { program_name: 'DIFF Prog FWD9A', courses: required(['DIFF-FWD9A-A', 'DIFF-FWD9A-B']) });
    site.insert('Program', { program_name: 'Educación "Física" u1', courses: required(['CS101']) });
    site.insert('Program', { program_name: 'Educación "Física" u2', courses: required(['CS101']) });

    const known = preExistingStudents();
    for (let i = 1; i <= 218; i++) {
      const name = `EDU-STU-2026-${String(i).padStart(5, '0')}`;
      const row = known.get(name) ?? {};
      const [first, ...rest] = String(row.student_name ?? `Seeded ${i}`).split(' ');
      const email = row.student_email_id ?? `seeded.${i}@students.example.edu`;
      // 023 shows 00019–00021 without a User: made while Education Settings skipped user creation.
      const withoutUser = 'user' in row && row.user === null;
      if (withoutUser) site.dbSetValue('Education Settings', 'Education Settings', { user_creation_skip: 1 }, { updateModified: false });
      site.insert('Student', {
        first_name: row.first_name ?? first,
        last_name: row.last_name ?? (rest.join(' ') || undefined),
        student_email_id: email,
        custom_moodle_user_id: row.custom_moodle_user_id,
        gender: row.gender,
        date_of_birth: row.date_of_birth,
        joining_date: row.joining_date ?? '2026-09-01',
      });
      if (withoutUser) site.dbSetValue('Education Settings', 'Education Settings', { user_creation_skip: 0 }, { updateModified: false });
    }
  });
  // An unordered name-only list (030) reads the `modified` index, oldest first: restamp the seeded rows to match.
  const order = defaultListOrder();
  order.forEach((name, position) => {
    const doc = site.store.get('Student', name);
    if (!doc) return;
    const stamp = `2026-12-01 08:29:${String(40 + Math.floor(position / 100)).padStart(2, '0')}.${String(position).padStart(6, '0')}`;
    site.store.put('Student', { ...doc, modified: stamp });
  });
  // Names earlier runs used up (151 is EDU-ENR-2026-00009, 160 starts at EDU-CE-2026-00016).
  for (let i = 0; i < 8; i++) site.store.nextSeries('EDU-ENR-2026-');
  for (let i = 0; i < 15; i++) site.store.nextSeries('EDU-CE-2026-');
}
