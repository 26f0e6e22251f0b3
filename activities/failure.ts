import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { IntegrationError } from '../src/errors/integration-error';
import { wrapActivities, type AsyncFunctions } from './wrap-activities';

/** The retryable ApplicationFailure types a client error becomes. */
const failureTypes = {
  rateLimited: 'RateLimited',
  transient: 'Transient',
} as const;

/**
 * The one place where a client's classification becomes Temporal retry behaviour: permanent
 * errors stop retrying with a type an operator can act on; rate limits retry after the server's
 * Retry-After; everything else uses the activity's exponential backoff. A server error with an
 * attempt limit (a crash the same request repeats, see serverErrorAttemptLimit) becomes permanent
 * at that attempt, named by its own type and message (which carry the server's exception, never a
 * query string or credential), so retry policies need no attempt cap for it.
 */
export function toApplicationFailure(err: unknown, attempt: () => number): unknown {
  if (!(err instanceof IntegrationError)) return err;
  const details = [{ system: err.system, code: err.code, status: err.status }];
  if (err.kind === 'permanent') {
    return ApplicationFailure.create({ message: err.message, type: `${err.system}.${err.code}`, nonRetryable: true, details });
  }
  if (err.attemptLimit !== undefined && attempt() >= err.attemptLimit) {
    return ApplicationFailure.create({
      message: `${err.message}; the same server error on ${attempt()} attempts, so it is taken as a server defect, not an outage`,
      type: `${err.system}.${err.code}`,
      nonRetryable: true,
      details,
    });
  }
  return ApplicationFailure.create({
    message: err.message,
    type: err.kind === 'rate-limited' ? failureTypes.rateLimited : failureTypes.transient,
    nextRetryDelay: err.retryAfterMs,
    details,
  });
}

/** The running activity's attempt (1 for the first); read only when an error needs it. */
const currentAttempt = () => Context.current().info.attempt;

/** Wraps every activity of a factory so client errors cross into Temporal classified. */
export function withFailureMapping<T extends AsyncFunctions>(activities: T): T {
  return wrapActivities(activities, async (call) => {
    try {
      return await call();
    } catch (err) {
      throw toApplicationFailure(err, currentAttempt);
    }
  });
}
