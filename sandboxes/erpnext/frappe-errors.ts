import { randomBytes } from 'node:crypto';
import { pyJsonDumps } from './py-json';

/**
 * A Frappe exception as `frappe.throw` raises it: the class name (`exc_type`), its HTTP status
 * (`frappe/exceptions.py`), and the messages `msgprint` queued for `_server_messages`.
 */
export class FrappeException extends Error {
  constructor(
    readonly excType: string,
    readonly httpStatus: number,
    readonly messages: string[],
    /** Set by permission failures (`_error_message`) instead of a message. */
    readonly errorMessage?: string,
  ) {
    super(messages[0] ?? errorMessage ?? excType);
  }
}

/** exc_type → HTTP status for the classes the sandbox raises. */
const statusOf: Record<string, number> = {
  ValidationError: 417,
  MandatoryError: 417,
  LinkValidationError: 417,
  CancelledLinkError: 417,
  UniqueValidationError: 417,
  TimestampMismatchError: 417,
  DocstatusTransitionError: 417,
  UpdateAfterSubmitError: 417,
  CannotChangeConstantError: 417,
  LinkExistsError: 417,
  StudentNotInGroupError: 417,
  DataError: 417,
  DoesNotExistError: 404,
  PermissionError: 403,
  DuplicateEntryError: 409,
  AuthenticationError: 401,
  TooManyRequestsError: 429,
};

export function frappeThrow(excType: keyof typeof statusOf | string, ...messages: string[]): never {
  throw new FrappeException(excType, statusOf[excType] ?? 500, messages);
}

export const validationError = (message: string): never => frappeThrow('ValidationError', message);
export const notFound = (doctype: string, name: string): never => frappeThrow('DoesNotExistError', `${doctype} ${name} not found`);
export const notPermitted = (message = 'Not permitted'): never => frappeThrow('PermissionError', message);

/** Frappe wraps values in `<strong>` with `frappe.bold`: clients see (and must strip) the HTML. */
export const bold = (text: unknown) => `<strong>${String(text)}</strong>`;

/** `_server_messages` of an error: a JSON string of a list of JSON strings, each a msgprint dict. */
export function serverMessages(messages: string[]): string {
  return pyJsonDumps(messages.map((message) => pyJsonDumps({ message, title: 'Message', indicator: 'red', raise_exception: 1, __frappe_exc_id: randomBytes(5).toString('hex') })));
}

/** `_server_messages` of a success: informational msgprints and alerts. */
export function infoMessages(messages: { message: string; alert: boolean }[]): string {
  return pyJsonDumps(messages.map(({ message, alert }) => pyJsonDumps(alert ? { message, alert: 1 } : { message, title: 'Message' })));
}

/**
 * The v1 error body of `report_error`: `exc_type`, the traceback keys (System Settings
 * `allow_error_traceback` defaults on; never for 404), and the queued messages.
 */
export function errorBody(err: FrappeException): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (err.httpStatus !== 404) {
    const last = `frappe.exceptions.${err.excType}: ${err.messages[0] ?? ''}`;
    body.exception = last;
    body.exc = pyJsonDumps([`Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 114, in application\n    response = frappe.api.handle(request)\n${last}\n`]);
  }
  body.exc_type = err.excType;
  if (err.messages.length > 0) body._server_messages = serverMessages(err.messages);
  if (err.errorMessage) body._error_message = err.errorMessage;
  return body;
}
