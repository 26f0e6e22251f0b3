import type { SearchAttributePair } from '@temporalio/common';
import { Instructor, RosterCourse, StudentGroup, SyncKind } from './search-attributes';

/**
 * Workflow ids of roster provisioning: business keys, so the Web UI lists every run for one
 * course, group or teacher by id prefix, and a repeated trigger joins the running run.
 */
export const rosterWorkflowIds = {
  /** One Moodle course shell, keyed by its idnumber (`roster.courseKey`). */
  course: (key: string) => `course:${key}`,
  /** A Student Group's webhook: provisions the courses the group covers. */
  group: (name: string) => `group:${name}`,
  /** An Instructor's webhook: provisions the courses the instructor teaches. */
  teacher: (name: string) => `teacher:${name}`,
  /** An ERPNext Course's webhook: its offerings. Not `course:<name>`, which its own child takes when the key is `{course}`. */
  courseChanged: (name: string) => `course:${name}/changed`,
  /** A Program's webhook: the groups of the Program (its course list decides a batch group's courses). */
  program: (name: string) => `program:${name}`,
  /** An instructor's parked identity conflict, waiting for an operator. */
  teacherAccount: (name: string) => `teacher:${name}/account`,
  /** Everything at once (`campus-bridge provision`, `POST /admin/provision`); `at` is an ISO time. */
  all: (at: string) => `provision:${at}`,
  /** The completion sync; `at` is an ISO time, or `nightly` for the Schedule (the server appends the scheduled time). */
  completions: (at: string) => `completions:${at}`,
} as const;

/** SyncKind values of the roster workflows. */
export const rosterSyncKinds = { provision: 'provision', provisionCourse: 'provision-course', teacherAccount: 'teacher-account' } as const;

/** The roster DocTypes whose webhooks (and change-feed rows) start provisioning. */
export const rosterDoctypes = ['Student Group', 'Instructor', 'Course', 'Program', 'Course Schedule'] as const;
export type RosterDoctype = (typeof rosterDoctypes)[number];

/** What one roster document's change provisions: its workflow id and the filter the run takes. */
export interface RosterTrigger {
  workflowId: string;
  filter: { groups?: string[]; instructors?: string[]; courses?: string[]; programs?: string[] };
}

/**
 * The run a saved roster document starts. `modified` is part of the id, so the webhook and the
 * change feed map one version of a document to one run (the feed finds the webhook's run and
 * starts nothing), while a later save starts a new one. A Course Schedule provisions its group.
 */
export function rosterTrigger(doctype: RosterDoctype, doc: { name: string; modified: string; studentGroup?: string }): RosterTrigger {
  const version = `@${doc.modified}`;
  switch (doctype) {
    case 'Student Group':
      return { workflowId: rosterWorkflowIds.group(doc.name) + version, filter: { groups: [doc.name] } };
    case 'Course Schedule': {
      const group = doc.studentGroup ?? doc.name;
      return { workflowId: `${rosterWorkflowIds.group(group)}/schedule:${doc.name}${version}`, filter: { groups: [group] } };
    }
    case 'Instructor':
      return { workflowId: rosterWorkflowIds.teacher(doc.name) + version, filter: { instructors: [doc.name] } };
    case 'Course':
      return { workflowId: rosterWorkflowIds.courseChanged(doc.name) + version, filter: { courses: [doc.name] } };
    case 'Program':
      return { workflowId: rosterWorkflowIds.program(doc.name) + version, filter: { programs: [doc.name] } };
  }
}

/** A provisioning run is found by the groups, instructors and courses it was asked for. */
export function rosterRunAttributes(filter: RosterTrigger['filter']): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [{ key: SyncKind, value: rosterSyncKinds.provision }];
  if (filter.groups?.length) pairs.push({ key: StudentGroup, value: filter.groups });
  if (filter.instructors?.length) pairs.push({ key: Instructor, value: filter.instructors });
  if (filter.courses?.length) pairs.push({ key: RosterCourse, value: filter.courses });
  return pairs;
}
