import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isOneOf } from '../auth/admin-auth';
import type { ConsoleContext } from './context';
import { rememberOperator } from './forms';
import { html } from './html';
import { page } from './layout';
import { conflictPages } from './pages/conflicts';
import { failedRunPages } from './pages/failed-runs';
import { statusPage } from './pages/status';
import { studentPages } from './pages/students';
import { consoleReportRoutes } from './reports/routes';
import { clearSessionCookie, formTokenValid, newSession, operatorOf, setSessionCookie } from './session';

export interface ConsoleRoutesOptions extends ConsoleContext {
  /** ADMIN_TOKEN: typed into the login form, or sent as a bearer token. */
  adminToken: string;
}

/**
 * Pages are built from data the systems hold, so the browser gets no script, no other origin,
 * no framing and no caching (a shared machine's back button must not show a student's invoices).
 */
const securityHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Only our own pages as the target after login: never another site (an open redirect). */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/console(?:[/?]|$)/.test(next) && !next.includes('//') && !next.includes('\\') ? next : '/console');

function loginPage(next: string, problem?: string): string {
  return page(
    'Log in',
    html`${problem ? html`<p class="error">${problem}</p>` : ''}
<form method="post" action="/console/login">
<input type="hidden" name="next" value="${next}">
<p><label>Admin token <input type="password" name="token" autocomplete="current-password" required autofocus></label></p>
<p><button type="submit">Log in</button></p>
</form>
<p>The token is the gateway's ADMIN_TOKEN. Scripts may instead send <code>Authorization: Bearer &lt;token&gt;</code>.</p>`,
    { loggedOut: true },
  );
}

/**
 * The operator console under /console on the operator listener: status, parked conflicts, failed
 * runs and the 360° student view, server-rendered HTML with plain forms. Encapsulated (not a
 * fastify-plugin), so its form parser, error pages and login stay out of the JSON admin API.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleRoutesOptions> = async (app, options) => {
  const { adminToken, ...context } = options;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(securityHeaders);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    // As in the JSON API: a server error's message may quote hosts or personal data, so it stays in the log.
    if (statusCode >= 500) request.log.error({ err: error }, 'console page failed');
    const message = statusCode >= 500 ? 'Something went wrong; the gateway log has the details.' : error.message;
    return reply.code(statusCode).type('text/html; charset=utf-8').send(page('Error', html`<p class="error">${message}</p>`));
  });

  app.get('/console/login', async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    return reply.type('text/html; charset=utf-8').send(loginPage(next));
  });

  app.post('/console/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    if (typeof body.token !== 'string' || !isOneOf(body.token, [adminToken])) {
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage(next, 'That is not the admin token.'));
    }
    setSessionCookie(request, reply, newSession(adminToken));
    return reply.redirect(next, 303);
  });

  // No form token needed: the SameSite=Strict cookie is never sent with another site's post, and logging out harms nothing.
  app.post('/console/logout', async (request, reply) => {
    clearSessionCookie(request, reply);
    return reply.redirect('/console/login', 303);
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const operator = operatorOf(request, adminToken);
      if (operator) return rememberOperator(request, operator);
      // A browser is sent to the login form; any other request is told 401, as the admin API does.
      if (request.method === 'GET') return reply.redirect(`/console/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply.code(401).header('www-authenticate', 'Bearer').type('text/html; charset=utf-8').send(loginPage('/console', 'Log in first.'));
    });
    guarded.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST') return;
      const operator = operatorOf(request, adminToken);
      const token = ((request.body ?? {}) as Record<string, unknown>)._csrf;
      if (!operator || !formTokenValid(operator, token)) {
        return reply.code(403).type('text/html; charset=utf-8').send(page('Refused', html`<p class="error">This form was not sent from the console page you were shown; open the page again and resend.</p>`));
      }
    });
    await guarded.register(statusPage, context);
    await guarded.register(conflictPages, context);
    await guarded.register(failedRunPages, context);
    await guarded.register(studentPages, context);
    await guarded.register(consoleReportRoutes, context);
  });
};
