import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { SyncKindValue } from './sync-kinds';

/** Custom search attributes: operators find every run for one student in the Web UI. */
export const StudentId = defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD);
export const Program = defineSearchAttributeKey('Program', SearchAttributeType.KEYWORD);
export const SyncKind = defineSearchAttributeKey('SyncKind', SearchAttributeType.KEYWORD);
/** Set while a workflow waits for an operator's decision on an identity conflict. */
export const NeedsOperator = defineSearchAttributeKey('NeedsOperator', SearchAttributeType.BOOL);

/** What a running workflow is waiting for besides an operator, e.g. `fee` (a gated onboarding, an unpaid elective). */
export const WaitingOn = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD);

/**
 * Roster entities a run touches (issue 13), so the Web UI lists every run for one course, group or
 * teacher (`StudentGroup = "CS101 2026-27"`): lists, because one course run syncs several groups.
 */
export const RosterCourse = defineSearchAttributeKey('RosterCourse', SearchAttributeType.KEYWORD_LIST);
export const StudentGroup = defineSearchAttributeKey('StudentGroup', SearchAttributeType.KEYWORD_LIST);
export const Instructor = defineSearchAttributeKey('Instructor', SearchAttributeType.KEYWORD_LIST);

/** The attributes of a run about one student: what it is, the Student, and the Program when there is one. */
export function studentRunAttributes(kind: SyncKindValue, student: string, program?: string): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SyncKind, value: kind },
    { key: StudentId, value: student },
  ];
  if (program) pairs.push({ key: Program, value: program });
  return pairs;
}

export const searchAttributes = [StudentId, Program, SyncKind, NeedsOperator, WaitingOn, RosterCourse, StudentGroup, Instructor];

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const typeName: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', KEYWORD_LIST: 'KeywordList' };
  return searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${typeName[key.type]}`]);
}
