import { rootCause } from '@temporalio/workflow';

/** The innermost message of a child or activity failure: what an operator can act on. */
export function failureMessage(err: unknown): string {
  return rootCause(err) ?? String(err);
}
