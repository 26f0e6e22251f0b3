import { setTimeout as sleep } from 'node:timers/promises';
import { workflowIds } from '../../src/common/workflow-ids';
import { IntegrationError } from '../../src/errors/integration-error';
import type { ErpnextClient } from '../../src/erpnext/client';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import type { MoodleClient } from '../../src/moodle/client';
import { submitProgramEnrollment } from '../support/program-enrollment';

/*
 * The end state every chaos scenario is judged by, read from both sandboxes through their own
 * protocols: Moodle's web services for accounts and enrolments, ERPNext's REST API for the link
 * written back onto each Student. The expectation is computed from what the scenario did to
 * ERPNext (who was admitted, enrolled, withdrawn) and what the Program and Moodle hold.
 */

/** One Student's end state: how many Moodle accounts carry their id, whether ERPNext links the one, which courses they are active in. */
export interface StudentState {
  student: string;
  accounts: number;
  linked: boolean;
  courses: string[];
}

/** What a scenario did in ERPNext: every admitted Student, the Program Enrollment of some, the cancelled ones. */
export interface Cohort {
  students: string[];
  /** Student → the program they were enrolled in (submitted Program Enrollment). */
  programs: Map<string, string>;
  /** Student → the name of that Program Enrollment. */
  enrollments: Map<string, string>;
  /** Students whose Program Enrollment was then cancelled. */
  withdrawn: Set<string>;
}

/** The runs a webhook (or the feed) starts for the cohort's admissions and enrolments. */
export const cohortWorkflowIds = (cohort: Cohort) => [...cohort.students.map((s) => `onboard:${s}`), ...[...cohort.enrollments.values()].map((pe) => `enroll:${pe}`)];

/**
 * The withdrawal runs the cohort's cancels start, named as the gateway names them: by the cancelled
 * version's `modified` (workflowIds.withdraw), read back from ERPNext. A scenario that withdraws
 * must wait for these too: under a storm they are the last to finish.
 */
export async function withdrawalWorkflowIds(erp: ErpnextClient, cohort: Cohort): Promise<string[]> {
  const ids: string[] = [];
  for (const student of cohort.withdrawn) {
    const pe = cohort.enrollments.get(student)!;
    const { modified } = await honouringRetryAfter(() => erp.getDoc<{ modified: string }>('Program Enrollment', pe));
    ids.push(workflowIds.withdraw(pe, modified));
  }
  return ids;
}

const programNames = ['BSc Computer Science', 'BA Business', 'BSc Nursing'];

/**
 * The scenario's own requests wait out a 429 or 503 for as long as its Retry-After says,
 * as every client must (the sandbox counts a request repeated earlier as a violation).
 */
export async function honouringRetryAfter<T>(write: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof IntegrationError) || err.kind !== 'rate-limited') throw err;
      await sleep(err.retryAfterMs ?? 1_000);
    }
  }
}

export interface AdmitOptions {
  admitted: number;
  enrolled: number;
  withdrawn: number;
  /** Distinguishes this scenario's Students (first names) from the demo seed's. */
  tag: string;
  /** Called after each Student is inserted (e.g. to kill a worker at a chosen moment). */
  afterEach?: (index: number) => Promise<void> | void;
}

/** Admits `admitted` Students, enrols the first `enrolled` in a program each (round robin), cancels the first `withdrawn` of those. */
export async function admitCohort(erp: ErpnextClient, options: AdmitOptions): Promise<Cohort> {
  const cohort: Cohort = { students: [], programs: new Map(), enrollments: new Map(), withdrawn: new Set() };
  for (let i = 0; i < options.admitted; i++) {
    const email = `${options.tag.toLowerCase()}${i}.chaos@students.cbu.example`;
    const { name } = await honouringRetryAfter(() => erp.insert('Student', { first_name: `${options.tag}${i}`, last_name: 'Chaos', student_email_id: email }));
    cohort.students.push(name);
    if (i < options.enrolled) {
      const program = programNames[i % programNames.length];
      const pe = await honouringRetryAfter(() => submitProgramEnrollment(erp, name, program));
      cohort.programs.set(name, program);
      cohort.enrollments.set(name, pe.name);
    }
    await options.afterEach?.(i);
  }
  for (const student of cohort.students.slice(0, options.withdrawn)) {
    await honouringRetryAfter(() => erp.cancel('Program Enrollment', cohort.enrollments.get(student)!));
    cohort.withdrawn.add(student);
  }
  return cohort;
}

/** Each program's courses that Moodle has (by course idnumber): what enrolling in it should give. */
async function programCourses(erp: ErpnextClient, moodle: MoodleClient, programs: Iterable<string>): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const program of new Set(programs)) {
    const doc = await honouringRetryAfter(() => erp.getDoc<{ courses: { course: string }[] }>('Program', program));
    const inMoodle: string[] = [];
    for (const { course } of doc.courses) {
      const { courses } = await honouringRetryAfter(() => moodle.getCoursesByField('idnumber', course));
      if (courses.length > 0) inMoodle.push(course);
    }
    result.set(program, inMoodle.sort());
  }
  return result;
}

/** Every Student with one linked account, active in their program's Moodle courses unless withdrawn or never enrolled. */
export async function expectedState(erp: ErpnextClient, moodle: MoodleClient, cohort: Cohort): Promise<StudentState[]> {
  const courses = await programCourses(erp, moodle, cohort.programs.values());
  return cohort.students.map((student) => {
    const program = cohort.programs.get(student);
    const active = program !== undefined && !cohort.withdrawn.has(student);
    return { student, accounts: 1, linked: true, courses: active ? (courses.get(program) ?? []) : [] };
  });
}

/** What both systems hold for each Student of the cohort. */
export async function observedState(erp: ErpnextClient, moodle: MoodleClient, cohort: Cohort): Promise<StudentState[]> {
  const accounts = await honouringRetryAfter(() => moodle.getUsersByField('idnumber', cohort.students));
  // Every Student, not a name filter: 300 names would pass gunicorn's 4094-byte request line.
  const linkRows = await honouringRetryAfter(() => erp.getList<{ name: string; [field: string]: unknown }>('Student', { fields: ['name', moodleUserIdField.fieldname], limitPageLength: 0 }));
  const links = new Map(linkRows.map((row) => [row.name, row[moodleUserIdField.fieldname]]));
  const states: StudentState[] = [];
  for (const student of cohort.students) {
    const own = accounts.filter((a) => a.idnumber === student);
    const courses = own.length === 1 ? (await honouringRetryAfter(() => moodle.getUsersCourses(own[0].id))).map((c) => String(c.idnumber)).sort() : [];
    states.push({ student, accounts: own.length, linked: own.length === 1 && Number(links.get(student)) === own[0].id, courses });
  }
  return states;
}

/** A state in one line: what the table prints for both expected and observed, so equal lines mean equal counts. */
export function describeState(states: StudentState[], reference: StudentState[] = states): string {
  const exact = states.filter((s, i) => same([s], [reference[i]])).length;
  const single = states.filter((s) => s.accounts === 1).length;
  const linked = states.filter((s) => s.linked).length;
  const enrolments = states.reduce((n, s) => n + s.courses.length, 0);
  return `${exact}/${states.length} exact; ${single} one account, ${linked} linked, ${enrolments} course enrolments`;
}

const same = (a: StudentState[], b: StudentState[]) => JSON.stringify(a) === JSON.stringify(b);

/** Reads the end state until it is the expected one or the timeout passes; returns the last read and when it began. */
export async function untilExact(erp: ErpnextClient, moodle: MoodleClient, cohort: Cohort, expected: StudentState[], timeoutMs: number): Promise<{ observed: StudentState[]; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The time the read began: the state it finds held by then.
    const at = Date.now();
    const observed = await observedState(erp, moodle, cohort);
    if (same(observed, expected) || Date.now() > deadline) return { observed, at };
    await sleep(500);
  }
}
