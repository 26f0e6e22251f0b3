import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes: operators find every run for one student in the Web UI. */
export const StudentId = defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD);
export const Program = defineSearchAttributeKey('Program', SearchAttributeType.KEYWORD);
export const SyncKind = defineSearchAttributeKey('SyncKind', SearchAttributeType.KEYWORD);
/** Set while a workflow waits for an operator's decision on an identity conflict. */
export const NeedsOperator = defineSearchAttributeKey('NeedsOperator', SearchAttributeType.BOOL);

export const searchAttributes = [StudentId, Program, SyncKind, NeedsOperator];

/** `--search-attribute` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const typeName: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool' };
  return searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${typeName[key.type]}`]);
}
