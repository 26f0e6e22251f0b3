import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { wsUserHasCapability } from './capabilities';
import { MoodleException, invalidParameter, invalidRecord, moodleException } from './exceptions';
import type { MoodleEvent } from './events';
import type { FunctionContext } from './functions/function';
import { otherMoodleFunctions, wsFunctions } from './functions/index';
import { validateParameters } from './parameters';
import { phpJson } from './php-json';
import { mergeGetPost, parsePhpFields, type PhpArray } from './php-input';
import type { MoodleState } from './state';
import { simulatedDurationMs } from './timing-model';
import type { WebhookSender } from './webhooks';
import { xmlException, xmlResponse, xmlShapes } from './xml';

export interface RestServerOptions {
  state: MoodleState;
  webhooks: WebhookSender;
  /** Handled calls per wsfunction (`(none)` when the request named none). */
  requestCounts: Map<string, number>;
}

const noCacheHeaders = {
  'cache-control': 'private, must-revalidate, pre-check=0, post-check=0, max-age=0',
  expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
  pragma: 'no-cache',
  'accept-ranges': 'none',
  'access-control-allow-origin': '*',
};

function formFields(text: string): [string, string][] {
  return [...new URLSearchParams(text)];
}

/** `array_merge($_GET, $_POST)`: PHP fills `$_POST` only for POST with a form content type. */
function readInput(request: FastifyRequest, maxInputVars: number): PhpArray {
  const url = request.raw.url ?? '';
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const get = parsePhpFields(formFields(query), maxInputVars);
  const isForm = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  const post = request.method === 'POST' && isForm && typeof request.body === 'string' ? parsePhpFields(formFields(request.body), maxInputVars) : new Map();
  return mergeGetPost(get, post);
}

/** Moodle's `accessexception` debuginfo (lang string `webservice:accessnotallowed`, whitespace as sent). */
const accessExceptionDebuginfo = (wsfunction: string) =>
  [
    `Access to the function ${wsfunction}() is not allowed.`,
    'There could be multiple reasons for this:',
    '1. The service linked to the user token does not contain the function.',
    '2. The service is user-restricted and the user is not listed.',
    '3. The service is IP-restricted and the user IP is not listed.',
    '4. The service is time-restricted and the time has expired.',
    '5. The token is time-restricted and the time has expired.',
    '6. The service requires a specific capability which the user does not have.',
    '7. The function is called with username/password (no user token is sent)',
    'and none of the services has the function to allow the user.',
    'These settings can be found in Administration > Site administration',
    '> Server > Web services > External services and Manage tokens.',
  ].join('\n                     ');

const scalarOf = (input: PhpArray, key: string) => {
  const value = input.get(key);
  return typeof value === 'string' ? value : undefined;
};

/**
 * `webservice/rest/server.php`: the checks run in Moodle's order (protocol enabled → token →
 * function name → function exists → function in the service → parameters → function), and every
 * Moodle error is HTTP 200 with an exception body.
 */
export async function restServer(app: FastifyInstance, options: RestServerOptions) {
  const { state, webhooks, requestCounts } = options;

  // Moodle does not parse JSON bodies: keep every body as text and let PHP's rules decide.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!state.settings.enablewebservices || !state.settings.restEnabled) {
      return reply.code(403).header('content-type', 'text/html; charset=utf-8').send('');
    }
    const input = readInput(request, state.settings.maxInputVars);
    const format = scalarOf(input, 'moodlewsrestformat') === 'json' ? 'json' : 'xml';
    const token = scalarOf(input, 'wstoken');
    const wsfunction = scalarOf(input, 'wsfunction');
    for (const key of ['moodlewsrestformat', 'wstoken', 'wsfunction']) input.delete(key);
    requestCounts.set(wsfunction ?? '(none)', (requestCounts.get(wsfunction ?? '(none)') ?? 0) + 1);

    if (state.settings.simulateMoodleTiming && wsfunction) {
      const delay = simulatedDurationMs(wsfunction, (argument) => {
        const list = input.get(argument);
        return list instanceof Map ? list.size : 0;
      });
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    const events: MoodleEvent[] = [];
    const wwwroot = `${request.protocol}://${request.host}`;
    let result: unknown;
    let failure: MoodleException | undefined;
    try {
      result = execute(token, wsfunction, input, wwwroot, events);
    } catch (error) {
      failure = error instanceof MoodleException ? error : new MoodleException('moodle_exception', 'generalexceptionmessage', error instanceof Error ? error.message : String(error));
    }
    // local_webhooks posts while the request runs, so the answer waits for it, failure or not.
    await webhooks.duringRequest(events, wwwroot);
    if (failure) return sendException(reply, failure, format);
    reply.code(200).headers(noCacheHeaders);
    if (format === 'json') reply.header('content-type', 'application/json').send(Buffer.from(phpJson(result)));
    else reply.header('content-type', 'application/xml; charset=utf-8').header('content-disposition', 'inline; filename="response.xml"').send(xmlResponse(result, xmlShapes[wsfunction ?? ''] ?? null));
    // local_webhookengine's queue only sees committed events.
    void webhooks.afterCommit(events, wwwroot);
    return reply;
  };

  const execute = (token: string | undefined, wsfunction: string | undefined, input: PhpArray, wwwroot: string, events: MoodleEvent[]) => {
    const callerId = token === undefined ? undefined : state.tokens.get(token);
    const caller = state.users.find((user) => user.id === callerId);
    if (!caller) throw moodleException('invalidtoken', 'Invalid token - token not found');
    // The calling account's own state is checked before anything about the function.
    if (caller.deleted) throw moodleException('wsaccessuserdeleted', `Refused web service access for deleted username: ${caller.username}`);
    if (caller.suspended) throw moodleException('wsaccessusersuspended', `Refused web service access for suspended username: ${caller.username}`);
    if (!wsfunction) throw invalidParameter('Missing function name');
    const fn = wsFunctions.get(wsfunction);
    if (!fn && !otherMoodleFunctions.has(wsfunction)) throw invalidRecord('external_functions', 'SELECT * FROM {external_functions} WHERE name = ?', [wsfunction]);
    if (!state.service.functions.includes(wsfunction) || !fn) {
      throw new MoodleException('webservice_access_exception', 'accessexception', 'Access control exception', accessExceptionDebuginfo(wsfunction));
    }
    const context: FunctionContext = {
      state,
      caller,
      siteUrl: wwwroot,
      hasCapability: (capability) => wsUserHasCapability(state, capability),
      emit: (event) => events.push(event),
    };
    const args = validateParameters(fn.parameters, input);
    return fn.execute(args, context);
  };

  function sendException(reply: FastifyReply, exception: MoodleException, format: 'json' | 'xml') {
    reply.code(200).headers(noCacheHeaders);
    if (format === 'xml') {
      return reply.header('content-type', 'application/xml; charset=utf-8').header('content-disposition', 'inline; filename="response.xml"').send(xmlException(exception, state.settings.debug));
    }
    const body: Record<string, string> = { exception: exception.exception };
    if (exception.errorcode !== undefined) body.errorcode = exception.errorcode;
    body.message = exception.message;
    if (state.settings.debug && exception.debuginfo !== undefined) body.debuginfo = exception.debuginfo;
    return reply.header('content-type', 'application/json').send(Buffer.from(phpJson(body)));
  }

  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/webservice/rest/server.php', handler: handle });
}
