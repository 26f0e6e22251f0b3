import { ApplicationFailure } from '@temporalio/common';

/** A failure as an operator should read it: what went wrong, and its stable type when it has one. */
export interface OperatorFailure {
  message: string;
  /** The ApplicationFailure type, e.g. `moodle.invalidparameter` or `IdentityConflictUnresolved`. */
  type?: string;
}

/**
 * Unwraps a workflow, child or activity failure to what an operator can act on: the innermost
 * ApplicationFailure (an activity's classified client error, or a workflow's own), not the
 * "Activity task failed" / "Child workflow execution failed" wrappers around it. Without one, the
 * innermost message (a timeout, a cancellation, a termination). Pure, so workflows, the admin API
 * and the CLI all describe a failure the same way.
 */
export function describeFailure(err: unknown): OperatorFailure {
  let application: ApplicationFailure | undefined;
  let innermost: unknown = err;
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    if (current instanceof ApplicationFailure) application = current;
    innermost = current;
  }
  if (application) return { message: application.message, type: application.type ?? undefined };
  return { message: innermost instanceof Error ? innermost.message : String(innermost) };
}
