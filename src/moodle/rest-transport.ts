import type { z } from 'zod';
import { parseRetryAfter } from '../errors/integration-error';
import { asksToWait, sendPaced, type RequestPacer } from '../http/request-pacer';
import { MoodleError, moodleExceptionError, moodleHttpError, moodleNetworkError, moodleNotJsonError } from './errors';
import { encodeRestArguments, type RestValue } from './rest-encoding';
import { moodleExceptionSchema } from './schemas';

export interface MoodleTransportOptions {
  /** Site root, e.g. `https://moodle.example.edu`. */
  url: string;
  token: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Spaces this process's requests to Moodle and holds them after a Retry-After; none by default. */
  pacer?: RequestPacer;
}

export interface CallOptions {
  /** Cancels the request, e.g. an activity's cancellation signal. */
  signal?: AbortSignal;
  /** Runs after every answered request, so a caller sending one batch in several requests can heartbeat. */
  onProgress?: () => void;
  /** This request's timeout, when it is not the configured one (a batched write sized by request-cost.ts). */
  timeoutMs?: number;
}

export type MoodleCall = <T extends z.ZodType>(wsfunction: string, args: Record<string, RestValue>, schema: T, options?: CallOptions) => Promise<z.infer<T>>;

/**
 * One REST call: form-encoded POST to `webservice/rest/server.php` with `moodlewsrestformat=json`.
 * Node's global fetch keeps connections alive between calls. The token only travels in the body and
 * never reaches an error message.
 */
export function createMoodleTransport(options: MoodleTransportOptions): MoodleCall {
  const endpoint = new URL('webservice/rest/server.php', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async (wsfunction, args, schema, callOptions) => {
    const body = new URLSearchParams([
      ['wstoken', options.token],
      ['wsfunction', wsfunction],
      ['moodlewsrestformat', 'json'],
      ...encodeRestArguments(args),
    ]);
    /** The request itself; a pacer, when there is one, decides when it leaves. */
    const send = async () => {
      // The timeout starts when the request leaves, not while it waits for its turn.
      const timeout = AbortSignal.timeout(callOptions?.timeoutMs ?? timeoutMs);
      const signal = callOptions?.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
      try {
        const answer = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal,
        });
        const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
        // Held before this request's slot is given back, so no waiting request slips out first.
        if (asksToWait(answer.status, retryAfterMs)) options.pacer?.pauseFor(retryAfterMs);
        return { response: answer, retryAfterMs, text: await answer.text() };
      } catch (error) {
        // The caller's own cancellation is not a Moodle failure: let it surface as the abort it is.
        if (callOptions?.signal?.aborted) throw callOptions.signal.reason;
        throw moodleNetworkError(wsfunction, error, timeout.aborted);
      }
    };

    const { response, retryAfterMs, text } = await sendPaced(options.pacer, send, callOptions?.signal);
    callOptions?.onProgress?.();

    if (!response.ok) throw moodleHttpError(response.status, wsfunction, retryAfterMs);

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw moodleNotJsonError(wsfunction, response.status);
    }

    const failure = moodleExceptionSchema.safeParse(json);
    if (failure.success) throw moodleExceptionError(failure.data, wsfunction);

    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new MoodleError(`Moodle ${wsfunction} returned an unexpected shape: ${parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, {
        kind: 'permanent',
        exception: 'invalidresponse',
        errorcode: 'INVALID_RESPONSE',
        status: response.status,
      });
    }
    return parsed.data;
  };
}
