import { ApplicationFailure } from '@temporalio/common';
import type { MoodleClient } from '../src/moodle/client';
import type { MoodleCategory } from '../src/moodle/roster-schemas';
import { moodleAccount, type MoodleAccount } from '../src/mapping/moodle-account';
import { setDifference, type CategoryLevel } from '../src/mapping/roster-offerings';
import { massChangeVerdict, type MassChangeLimits } from '../src/common/mass-change-breaker';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/**
 * Moodle side of roster provisioning. Every activity reads, compares and writes only the
 * difference, so a retry (or a second run) after a partial write repeats nothing. `dryRun` reads
 * and reports what it would write, and writes nothing.
 */

/** get_categories answers names HTML-escaped (161): compare them unescaped. */
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#039;/g, "'").replace(/&amp;/g, '&');

export interface CourseShellInput {
  key: string;
  shortname: string;
  fullname: string;
  /** null in a dry run whose categories do not exist yet. */
  categoryId: number | null;
  templateCourse?: string;
  dryRun: boolean;
}

export interface CourseRosterInput {
  courseId: number;
  groups: { name: string; students: string[]; teacherUserIds: number[] }[];
  teacherUserIds: number[];
  teacherRoleId: number;
  studentRoleId: number;
  unenrolledStudents: 'enrol' | 'report';
  /** The mass-change breaker on removals (members and teachers) against the course's members and teachers now. */
  limits: MassChangeLimits;
  dryRun: boolean;
}

/** An instructor whose Moodle account cannot be told for sure: parked for an operator (`teacher:<name>/account`). */
export interface TeacherConflict {
  instructor: string;
  kind: 'duplicate-idnumber' | 'email-taken';
  reason: string;
  candidates: MoodleAccount[];
}

export interface CourseRosterReport {
  groupsCreated: string[];
  membersAdded: number;
  membersRemoved: number;
  studentsEnrolled: string[];
  teachersEnrolled: number[];
  teachersRemoved: number[];
  /** Group members with no Moodle account, or not enrolled when `unenrolledStudents: report`. */
  notEnrolled: string[];
  noAccount: string[];
  /** Set when the removals tripped the mass-change breaker: nothing was removed. */
  held?: string;
}

export function createMoodleRosterActivities(moodle: MoodleClient) {
  return withFailureMapping({
    /** The category chain, created where missing and renamed where ERPNext renamed; its innermost id. */
    async moodleEnsureCategories(input: { levels: CategoryLevel[]; rootCategory?: string; dryRun: boolean }): Promise<{ categoryId: number | null; created: string[]; renamed: string[] }> {
      const call = activityCall();
      let parent = 0;
      if (input.rootCategory) {
        const [root] = await moodle.getCategories({ key: 'idnumber', value: input.rootCategory }, call);
        if (!root) throw ApplicationFailure.create({ type: 'RootCategoryMissing', message: `no Moodle category has the idnumber "${input.rootCategory}" (roster.rootCategory)`, nonRetryable: true });
        parent = root.id;
      }
      const created: string[] = [];
      const renamed: string[] = [];
      let id: number | null = parent;
      for (const level of input.levels) {
        const parentId: number | null = id;
        const candidates: MoodleCategory[] = parentId === null ? [] : await moodle.getCategories({ key: 'idnumber', value: level.idnumber }, call);
        const found: MoodleCategory | undefined = candidates[0];
        if (found) {
          if (unescape(found.name) !== level.name || found.parent !== id) {
            renamed.push(level.idnumber);
            if (!input.dryRun) await moodle.updateCategories([{ id: found.id, name: level.name, parent: id ?? undefined }], call);
          }
          id = found.id;
          continue;
        }
        created.push(level.idnumber);
        id = input.dryRun || id === null ? null : (await moodle.createCategories([{ name: level.name, parent: id, idnumber: level.idnumber }], call))[0].id;
      }
      return { categoryId: id, created, renamed };
    },

    /** The course with idnumber = key: adopted when it exists (names and category brought in line), else created or copied from the template. */
    async moodleEnsureCourse(input: CourseShellInput): Promise<{ courseId: number | null; action: 'created' | 'updated' | 'unchanged' }> {
      const call = activityCall();
      const { courses } = await moodle.getCoursesByField('idnumber', input.key, call);
      const existing = courses.find((course) => course.idnumber === input.key);
      if (existing) {
        const change = {
          ...(existing.fullname !== input.fullname ? { fullname: input.fullname } : {}),
          ...(existing.shortname !== input.shortname ? { shortname: input.shortname } : {}),
          ...(input.categoryId !== null && existing.categoryid !== input.categoryId ? { categoryid: input.categoryId } : {}),
        };
        if (Object.keys(change).length === 0) return { courseId: existing.id, action: 'unchanged' };
        if (!input.dryRun) {
          const { warnings } = await moodle.updateCourses([{ id: existing.id, ...change }], call);
          if (warnings.length > 0) throw ApplicationFailure.create({ type: 'CourseUpdateRefused', message: `Moodle refused to update course ${input.key}: ${warnings.map((w) => w.message).join('; ')}`, nonRetryable: true });
        }
        return { courseId: existing.id, action: 'updated' };
      }
      if (input.dryRun || input.categoryId === null) return { courseId: null, action: 'created' };
      if (input.templateCourse) {
        const template = (await moodle.getCoursesByField('idnumber', input.templateCourse, call)).courses[0];
        if (!template) throw ApplicationFailure.create({ type: 'TemplateCourseMissing', message: `no Moodle course has the idnumber "${input.templateCourse}" (roster.templateCourse)`, nonRetryable: true });
        // The copy carries no idnumber (189): set it at once, so a retry finds the course by its key.
        const copy = await moodle.duplicateCourse({ courseid: template.id, fullname: input.fullname, shortname: input.shortname, categoryid: input.categoryId, visible: 1 }, call);
        await moodle.updateCourses([{ id: copy.id, idnumber: input.key }], call);
        return { courseId: copy.id, action: 'created' };
      }
      const [course] = await moodle.createCourses([{ fullname: input.fullname, shortname: input.shortname, categoryid: input.categoryId, idnumber: input.key, enablecompletion: 1 }], call);
      return { courseId: course.id, action: 'created' };
    },

    /**
     * Moodle accounts of instructors: by idnumber = Instructor name, else by e-mail (an unclaimed
     * account is linked), else created when an e-mail is known. Several accounts with the idnumber,
     * or the e-mail's account carrying another idnumber, is a conflict: parked, never guessed.
     */
    async moodleEnsureTeacherAccounts(input: { instructors: { name: string; fullname: string; email?: string }[]; auth: string; dryRun: boolean }) {
      const call = activityCall();
      const accounts: Record<string, number> = {};
      const conflicts: TeacherConflict[] = [];
      const missing: { instructor: string; reason: string }[] = [];
      const byIdnumber = await moodle.getUsersByField('idnumber', input.instructors.map((i) => i.name), call);
      for (const instructor of input.instructors) {
        const matches = byIdnumber.filter((user) => user.idnumber === instructor.name);
        if (matches.length > 1) conflicts.push({ instructor: instructor.name, kind: 'duplicate-idnumber', reason: `${matches.length} Moodle accounts have the idnumber`, candidates: matches.map(moodleAccount) });
        if (matches.length === 1) accounts[instructor.name] = matches[0].id;
        if (matches.length > 0) continue;
        const email = instructor.email?.trim();
        if (!email) {
          missing.push({ instructor: instructor.name, reason: 'no Moodle account has the idnumber and the Instructor has no e-mail to create one' });
          continue;
        }
        const sameEmail = (await moodle.getUsers([{ key: 'email', value: email }], call)).users;
        if (sameEmail.length > 1 || (sameEmail.length === 1 && (sameEmail[0].idnumber ?? '') !== '')) {
          conflicts.push({ instructor: instructor.name, kind: 'email-taken', reason: 'the e-mail belongs to another Moodle account', candidates: sameEmail.map(moodleAccount) });
          continue;
        }
        if (input.dryRun) continue;
        if (sameEmail.length === 1) {
          await moodle.updateUsers([{ id: sameEmail[0].id, idnumber: instructor.name }], call);
          accounts[instructor.name] = sameEmail[0].id;
          continue;
        }
        const [first, ...rest] = instructor.fullname.split(' ');
        const [created] = await moodle.createUsers([{ username: email.toLowerCase(), firstname: first || instructor.name, lastname: rest.join(' ') || first || instructor.name, email, idnumber: instructor.name, auth: input.auth, createpassword: true }], call);
        accounts[instructor.name] = created.id;
      }
      return { accounts, conflicts, missing };
    },

    /**
     * One course's people: teachers enrolled with the teacher role (removed when ERPNext no longer
     * lists them; hand-made accounts without an idnumber are left alone), groups by idnumber with
     * exactly their members. Removals past `maxRemovals` hold every removal (the breaker).
     */
    async moodleSyncCourseRoster(input: CourseRosterInput): Promise<CourseRosterReport> {
      const call = activityCall();
      const report: CourseRosterReport = { groupsCreated: [], membersAdded: 0, membersRemoved: 0, studentsEnrolled: [], teachersEnrolled: [], teachersRemoved: [], notEnrolled: [], noAccount: [] };
      const participants = await moodle.getCourseParticipants(input.courseId, call);
      const enrolled = new Set(participants.map((p) => p.id));
      const currentTeachers = participants.filter((p) => (p.idnumber ?? '') !== '' && p.roles.some((r) => r.roleid === input.teacherRoleId)).map((p) => p.id);
      const teachers = setDifference(input.teacherUserIds, currentTeachers);

      const studentNames = [...new Set(input.groups.flatMap((group) => group.students))];
      const students = new Map((studentNames.length ? await moodle.getUsersByField('idnumber', studentNames, call) : []).map((user) => [user.idnumber ?? '', user.id]));
      report.noAccount = studentNames.filter((name) => !students.has(name));
      const toEnrol = studentNames.filter((name) => students.has(name) && !enrolled.has(students.get(name)!));
      if (input.unenrolledStudents === 'enrol') report.studentsEnrolled = toEnrol;
      else report.notEnrolled = toEnrol;
      const willBeEnrolled = new Set([...enrolled, ...input.teacherUserIds, ...report.studentsEnrolled.map((name) => students.get(name)!)]);

      const existing = await moodle.getCourseGroups(input.courseId, call);
      const members = existing.length ? new Map((await moodle.getGroupMembers(existing.map((g) => g.id), call)).map((m) => [m.groupid, m.userids])) : new Map<number, number[]>();
      const memberChanges = input.groups.map((group) => {
        // A hand-made group of the same name and no idnumber is adopted (names are unique per course, 194).
        const found = existing.find((g) => g.idnumber === group.name) ?? existing.find((g) => g.name === group.name && !g.idnumber);
        const desired = [...group.students.map((name) => students.get(name)).filter((id): id is number => id !== undefined), ...group.teacherUserIds].filter((id) => willBeEnrolled.has(id));
        return { group, found, ...setDifference(desired, found ? (members.get(found.id) ?? []) : []) };
      });
      const removals = teachers.remove.length + memberChanges.reduce((sum, change) => sum + change.remove.length, 0);
      const current = currentTeachers.length + [...members.values()].reduce((sum, ids) => sum + ids.length, 0);
      const verdict = massChangeVerdict(removals, current, input.limits);
      if (!verdict.proceed) report.held = `removals held: ${verdict.reason}; nothing removed until an operator raises the limits or ERPNext is checked`;
      const removing = report.held === undefined;

      report.teachersEnrolled = teachers.add;
      if (removing) report.teachersRemoved = teachers.remove;
      for (const change of memberChanges) {
        report.membersAdded += change.add.length;
        if (removing) report.membersRemoved += change.remove.length;
        if (!change.found) report.groupsCreated.push(change.group.name);
      }
      if (input.dryRun) return report;

      const enrolments = [
        ...teachers.add.map((userid) => ({ roleid: input.teacherRoleId, userid, courseid: input.courseId })),
        ...report.studentsEnrolled.map((name) => ({ roleid: input.studentRoleId, userid: students.get(name)!, courseid: input.courseId })),
      ];
      if (enrolments.length) await moodle.enrolUsers(enrolments, call);
      if (removing && teachers.remove.length) {
        await moodle.unassignCourseRoles(teachers.remove.map((userid) => ({ roleid: input.teacherRoleId, userid, courseid: input.courseId })), call);
        // A teacher-only enrolment goes with the role; a teacher who is also a student keeps that enrolment.
        const teacherOnly = teachers.remove.filter((id) => participants.find((p) => p.id === id)!.roles.every((r) => r.roleid === input.teacherRoleId));
        if (teacherOnly.length) await moodle.unenrolUsers(teacherOnly.map((userid) => ({ userid, courseid: input.courseId })), call);
      }
      for (const change of memberChanges) {
        if (change.found && change.found.idnumber !== change.group.name) await moodle.updateGroups([{ id: change.found.id, name: change.group.name, idnumber: change.group.name }], call);
        const groupid = change.found?.id ?? (await moodle.createGroups([{ courseid: input.courseId, name: change.group.name, idnumber: change.group.name }], call))[0].id;
        if (change.add.length) await moodle.addGroupMembers(change.add.map((userid) => ({ groupid, userid })), call);
        if (removing && change.remove.length) await moodle.deleteGroupMembers(change.remove.map((userid) => ({ groupid, userid })), call);
      }
      return report;
    },

    /**
     * An operator's link of a parked instructor to one account: the instructor's name becomes its
     * idnumber, and for duplicates the other accounts lose that idnumber (the operator said they
     * are not this instructor), so the next lookup finds exactly one.
     */
    async moodleLinkTeacherAccount(input: { instructor: string; userId: number; notThem: number[] }): Promise<void> {
      const call = activityCall();
      const [chosen] = await moodle.getUsersByField('id', [input.userId], call);
      if (!chosen) throw ApplicationFailure.create({ type: 'UnknownMoodleUser', message: `Moodle user ${input.userId} does not exist`, nonRetryable: true });
      if ((chosen.idnumber ?? '') !== '' && chosen.idnumber !== input.instructor) {
        throw ApplicationFailure.create({ type: 'AccountClaimed', message: `Moodle user ${input.userId} carries another idnumber; clear it in Moodle first`, nonRetryable: true });
      }
      const others = (await moodle.getUsersByField('idnumber', [input.instructor], call)).filter((user) => input.notThem.includes(user.id));
      const updates = [...others.map((user) => ({ id: user.id, idnumber: '' })), ...(chosen.idnumber === input.instructor ? [] : [{ id: chosen.id, idnumber: input.instructor }])];
      if (updates.length) await moodle.updateUsers(updates, call);
    },
  });
}

export type MoodleRosterActivities = ReturnType<typeof createMoodleRosterActivities>;
