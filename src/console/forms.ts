import type { FastifyRequest } from 'fastify';
import { html, type Html } from './html';
import type { ConsoleOperator } from './session';

/**
 * Form plumbing shared by the pages: the hidden form token, and which operator a request
 * belongs to (set by the console's auth hook before any page handler runs).
 */

const operators = new WeakMap<FastifyRequest, ConsoleOperator>();

export function rememberOperator(request: FastifyRequest, operator: ConsoleOperator): void {
  operators.set(request, operator);
}

export function operatorFor(request: FastifyRequest): ConsoleOperator {
  const operator = operators.get(request);
  // The hook runs on every console route except the login page, which renders no action forms.
  if (!operator) throw new Error('console page rendered without an operator');
  return operator;
}

/** The hidden field every action form carries (empty for bearer clients, who need none). */
export function formToken(request: FastifyRequest): Html {
  const operator = operatorFor(request);
  return operator.via === 'cookie' ? html`<input type="hidden" name="_csrf" value="${operator.csrfToken}">` : html``;
}

/** A one-button POST form. */
export function actionButton(request: FastifyRequest, action: string, label: string, fields: Record<string, string | number> = {}): Html {
  const hidden = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form class="inline" method="post" action="${action}">${formToken(request)}${hidden}<button type="submit">${label}</button></form>`;
}
