import { randomBytes } from 'node:crypto';
import { pyJsonDumps } from './py-json';

/**
 * A Frappe exception as `frappe.throw` raises it: the class name (`exc_type`), its HTTP status
 * (`frappe/exceptions.py`), and the messages `msgprint` queued for `_server_messages`.
 */
export interface ExceptionDetail {
  /** The exception's own text when it is not the first message (`raise X(text)` after a msgprint). */
  text?: string;
  /** Raised without `msgprint` (`raise X(text)`): no `_server_messages`. */
  silent?: boolean;
  /** Message dialog title; `frappe.throw` says "Message". */
  title?: string;
  /** A plain `msgprint` before the raise: the message dict has no indicator, raise_exception or id. */
  plain?: boolean;
  /** A `msgprint(indicator="red")` before a different raise: indicator, but no raise_exception or id (DuplicateEntryError, 055). */
  printedOnly?: boolean;
  /** No `exception`/`exc` keys (the handler answered without a traceback). */
  noTraceback?: boolean;
  /** `_exc_source`: the app whose code raised it ("education (app)"), set by the Site for controller code. */
  excSource?: string;
}

export class FrappeException extends Error {
  constructor(
    readonly excType: string,
    readonly httpStatus: number,
    readonly messages: string[],
    /** Set by permission failures (`_error_message`) instead of a message. */
    readonly errorMessage?: string,
    readonly detail: ExceptionDetail = {},
  ) {
    super(detail.text ?? messages[0] ?? errorMessage ?? excType);
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
  OverlapError: 417,
  InvalidEmailAddressError: 417,
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

/** `raise X(text)` without a msgprint: the error has an `exception` but no `_server_messages`. */
export function frappeRaise(excType: string, text: string): never {
  throw new FrappeException(excType, statusOf[excType] ?? 500, [], undefined, { text, silent: true });
}

/** An uncaught Python exception (500), e.g. `AttributeError: 'NoneType' object has no attribute 'lower'`. */
export function pythonCrash(excType: string, text: string): never {
  throw new FrappeException(excType, 500, [], undefined, { text, silent: true });
}

export const validationError = (message: string): never => frappeThrow('ValidationError', message);

/**
 * `frappe.get_doc` of a DocType the site does not have: `get_controller` imports its module, taken
 * as Core's (no DocType row names another), and fails — an uncaught 500 ImportError (050). The
 * list path asks `get_meta` first and is a 404 instead (039).
 */
export function controllerImportError(doctype: string): never {
  const module = doctype.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return pythonCrash('ImportError', `Module import failed for ${doctype}, the DocType you're trying to open might be deleted.\nError: No module named 'frappe.core.doctype.${module}'`);
}
export const notFound = (doctype: string, name: string): never => frappeThrow('DoesNotExistError', `${doctype} ${name} not found`);
export const notPermitted = (message = 'Not permitted'): never => frappeThrow('PermissionError', message);

/** Frappe wraps values in `<strong>` with `frappe.bold`: clients see (and must strip) the HTML. */
export const bold = (text: unknown) => `<strong>${String(text)}</strong>`;

/** `_server_messages` of an error: a JSON string of a list of JSON strings, each a msgprint dict. */
export function serverMessages(messages: string[], detail: ExceptionDetail = {}): string {
  const title = detail.title ?? 'Message';
  const dict = (message: string) =>
    detail.plain ? { message, title } : detail.printedOnly ? { message, title, indicator: 'red' } : { message, title, indicator: 'red', raise_exception: 1, __frappe_exc_id: randomBytes(28).toString('hex') };
  return pyJsonDumps(messages.map((message) => pyJsonDumps(dict(message))));
}

/** `_server_messages` of a success: informational msgprints and alerts. */
export function infoMessages(messages: { message: string; alert: boolean; raised?: { title: string }; titled?: { title: string; indicator: string } }[]): string {
  // An alert is a msgprint too: it keeps the default title (116, 133).
  const dict = ({ message, alert, raised, titled }: (typeof messages)[number]) =>
    raised
      ? { message, title: raised.title, indicator: 'red', raise_exception: 1, __frappe_exc_id: randomBytes(28).toString('hex') }
      : titled
        ? { message, title: titled.title, indicator: titled.indicator }
        : alert
          ? { message, title: 'Message', alert: 1 }
          : { message, title: 'Message' };
  return pyJsonDumps(messages.map((m) => pyJsonDumps(dict(m))));
}

/** Where an exception class lives, as its traceback's last line names it; Python's builtins print bare. */
const exceptionModules: Record<string, string> = { AttributeError: '', TypeError: '', KeyError: '', ImportError: '', ValueError: '', JSONDecodeError: 'json.decoder.', OperationalError: 'pymysql.err.', OverlapError: 'education.education.utils.', StudentNotInGroupError: 'education.education.' };

/**
 * The v1 error body of `report_error`: `exc_type`, the traceback keys (System Settings
 * `allow_error_traceback` defaults on; never for 404), and the queued messages.
 */
export function errorBody(err: FrappeException): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const { detail } = err;
  if (err.httpStatus !== 404 && !detail.noTraceback) {
    const text = detail.text ?? err.messages[0];
    const module = exceptionModules[err.excType] ?? 'frappe.exceptions.';
    const last = text ? `${module}${err.excType}: ${text}` : `${module}${err.excType}`;
    // `exception` is the traceback's last line: a message of several lines shows only its last (050).
    body.exception = last.split('\n').pop();
    body.exc = pyJsonDumps([`Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 114, in application\n    response = frappe.api.handle(request)\n${last}\n`]);
  }
  body.exc_type = err.excType;
  if (detail.excSource) body._exc_source = detail.excSource;
  if (err.messages.length > 0 && !detail.silent) body._server_messages = serverMessages(err.messages, detail);
  if (err.errorMessage) body._error_message = err.errorMessage;
  return body;
}
