import { z } from 'zod';
import type { Mapping } from '../../src/config/mapping-file';
import type { ErpnextClient } from '../../src/erpnext/client';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { programCourseIdnumbers } from '../../src/mapping/program-courses';
import type { MoodleClient } from '../../src/moodle/client';
import type { BackfillResult } from '../../workflows/backfill';
import type { SeededStudent } from './seed-students';

/*
 * The end state, read back through the systems' own protocols (Moodle's REST web services,
 * ERPNext's REST API) and the Moodle sandbox's sent-mail log, and held to what must be true:
 * one account per synced Student, every submitted enrolment, one welcome mail per new account.
 */

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The Moodle side before the backfill: accounts and welcome mails already there (the demo's). */
export interface MoodleBefore {
  accounts: Map<number, string>;
  welcomeMails: number;
}

const sentMail = z.array(z.object({ to: z.string(), kind: z.string() }));

async function welcomeMails(moodleUrl: string): Promise<string[]> {
  const mails = sentMail.parse(await (await fetch(`${moodleUrl}/__sandbox/mail`)).json());
  return mails.filter((mail) => mail.kind === 'newuser').map((mail) => mail.to.toLowerCase());
}

/** Every account, through `core_user_get_users` with Moodle's LIKE wildcard on email. */
async function accounts(moodle: MoodleClient) {
  return (await moodle.getUsers([{ key: 'email', value: '%' }])).users;
}

export async function moodleBefore(moodle: MoodleClient, moodleUrl: string): Promise<MoodleBefore> {
  const users = await accounts(moodle);
  return { accounts: new Map(users.map((user) => [user.id, user.idnumber ?? ''])), welcomeMails: (await welcomeMails(moodleUrl)).length };
}

async function mapLimit<T, R>(items: T[], limit: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await each(items[i]!);
    }
  }));
  return results;
}

const check = (name: string, failures: string[], okDetail: string): Check => ({
  name,
  ok: failures.length === 0,
  detail: failures.length === 0 ? okDetail : `${failures.length} wrong, e.g. ${failures.slice(0, 3).join('; ')}`,
});

export interface FinalStateInput {
  moodle: MoodleClient;
  moodleUrl: string;
  erp: ErpnextClient;
  mapping: Mapping;
  seeded: SeededStudent[];
  before: MoodleBefore;
  /** The dry run before the real one: its counts are what the real run must have done. */
  plan: BackfillResult;
  result: BackfillResult;
}

export async function checkFinalState(input: FinalStateInput): Promise<Check[]> {
  const { moodle, erp, seeded, before, plan, result } = input;
  const checks: Check[] = [];
  const users = await accounts(moodle);
  const byIdnumber = new Map<string, typeof users>();
  for (const user of users) if (user.idnumber) byIdnumber.set(user.idnumber, [...(byIdnumber.get(user.idnumber) ?? []), user]);
  const students = await erp.getList('Student', { fields: ['name', 'student_email_id', moodleUserIdField.fieldname], limitPageLength: 0 });
  const linkOf = new Map(students.map((row) => [String(row.name), Number(row[moodleUserIdField.fieldname] ?? 0)]));

  // 1. Each admit: exactly one account, carrying its Student name as idnumber and its address.
  const oneAccount: string[] = [];
  for (const student of seeded) {
    const own = byIdnumber.get(student.name) ?? [];
    if (own.length !== 1) oneAccount.push(`${student.name}: ${own.length} accounts`);
    else if (own[0]!.email?.toLowerCase() !== student.email) oneAccount.push(`${student.name}: email ${own[0]!.email}`);
    else if (linkOf.get(student.name) !== own[0]!.id) oneAccount.push(`${student.name}: ERPNext links ${linkOf.get(student.name)}, account is ${own[0]!.id}`);
  }
  checks.push(check('one Moodle account per admit, idnumber = Student, linked in ERPNext', oneAccount, `${seeded.length} of ${seeded.length}`));

  // 2. No account twice: the accounts the run added are exactly one per created Student, and no
  //    idnumber gained an account it did not have (the demo's planted duplicates stay as they were).
  const added = users.filter((user) => !before.accounts.has(user.id));
  const duplicates: string[] = [];
  for (const [idnumber, own] of byIdnumber) {
    const had = [...before.accounts.values()].filter((value) => value === idnumber).length;
    if (own.length > Math.max(had, 1)) duplicates.push(`${idnumber}: ${own.length} accounts (had ${had})`);
  }
  if (added.length !== result.counts.create) duplicates.push(`${added.length} accounts added, the run reports ${result.counts.create} created`);
  checks.push(check('no duplicate Moodle account', duplicates, `${added.length} added = ${result.counts.create} created`));

  // 3. Every submitted Program Enrollment's courses, for every Student with a linked account.
  const enrollments = await erp.getList('Program Enrollment', { fields: ['student', 'program'], filters: [['docstatus', '=', 1]], limitPageLength: 0 });
  const programs = [...new Set(enrollments.map((row) => String(row.program)))];
  const moodleCourses = new Map((await moodle.getCoursesByField()).courses.filter((c) => c.idnumber).map((c) => [c.idnumber!, c.id]));
  const coursesOfProgram = new Map<string, number[]>();
  for (const program of programs) {
    const doc = await erp.getDoc('Program', program);
    const names = ((doc.courses as { course: string }[] | undefined) ?? []).map((row) => row.course);
    coursesOfProgram.set(program, programCourseIdnumbers(program, names, input.mapping).flatMap((idnumber) => (moodleCourses.has(idnumber) ? [moodleCourses.get(idnumber)!] : [])));
  }
  const expected = new Map<string, Set<number>>();
  for (const row of enrollments) {
    const set = expected.get(String(row.student)) ?? new Set<number>();
    for (const course of coursesOfProgram.get(String(row.program)) ?? []) set.add(course);
    expected.set(String(row.student), set);
  }
  const linked = [...linkOf].filter(([, id]) => id > 0);
  const missing: string[] = [];
  let enrolments = 0;
  await mapLimit(linked, 8, async ([student, userid]) => {
    const have = new Set((await moodle.getUsersCourses(userid)).map((course) => course.id));
    for (const course of expected.get(student) ?? []) {
      if (have.has(course)) enrolments++;
      else missing.push(`${student} not in course ${course}`);
    }
  });
  checks.push(check('every submitted enrolment present in Moodle', missing, `${enrolments} enrolments of ${linked.length} linked Students`));

  // 4. Exactly one welcome mail per new account, none twice.
  const mails = (await welcomeMails(input.moodleUrl)).slice(before.welcomeMails);
  const mailProblems: string[] = [];
  const perAddress = new Map<string, number>();
  for (const to of mails) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  for (const [to, n] of perAddress) if (n > 1) mailProblems.push(`${to}: ${n} welcome mails`);
  for (const user of added) if (perAddress.get((user.email ?? '').toLowerCase()) !== 1) mailProblems.push(`${user.email}: ${perAddress.get((user.email ?? '').toLowerCase()) ?? 0} welcome mails`);
  if (mails.length !== added.length) mailProblems.push(`${mails.length} welcome mails for ${added.length} new accounts`);
  checks.push(check('one welcome mail per new account, none duplicated', mailProblems, `${mails.length} mails, ${added.length} accounts`));

  // 5. The run did what the dry run planned, and left unsynced only what it reported.
  const planProblems: string[] = [];
  for (const key of ['create', 'link', 'alreadyLinked', 'enrolments', 'writeBacks', 'conflicts', 'failed'] as const) {
    if (result.counts[key] !== plan.counts[key]) planProblems.push(`${key}: planned ${plan.counts[key]}, done ${result.counts[key]}`);
  }
  const reported = new Set(result.issues.map((issue) => issue.student));
  const unlinked = [...linkOf].filter(([, id]) => id === 0).map(([name]) => name);
  for (const name of unlinked) if (!reported.has(name)) planProblems.push(`${name} unlinked but not reported`);
  if (result.issueCount !== unlinked.length) planProblems.push(`${result.issueCount} issues reported, ${unlinked.length} Students unlinked`);
  if (result.total !== students.length) planProblems.push(`the run saw ${result.total} Students, ERPNext has ${students.length}`);
  checks.push(check('counts as planned by the dry run; unsynced = reported', planProblems, `${result.counts.create} created, ${result.counts.link} linked, ${result.issueCount} reported (demo's planted problems)`));
  return checks;
}
