import type { Session } from './auth';
import { FrappeException, frappeThrow, notPermitted, pythonCrash, validationError } from './frappe-errors';
import { jsonLoadsArg } from './py-json-decode';
import { requirePermission, type Right } from './permissions';
import { accountsMethods } from './methods-accounts';
import { parseJsonArg } from './query';
import type { Site } from './site';
import { type Doc, str } from './store';

/**
 * The whitelisted functions the sandbox serves under `/api/method/<dotted.path>`: the
 * `frappe.client` ones the client uses, plus the Education and ERPNext helpers that fit.
 * `methods` lists the HTTP methods `@frappe.whitelist(methods=…)` allows (none = all).
 */
export interface MethodCall {
  site: Site;
  args: Record<string, unknown>;
  user: string;
  session: Session;
}

export interface Whitelisted {
  methods?: readonly string[];
  allowGuest?: boolean;
  /** Calls `frappe.db.commit()` itself, so its writes persist even when called by GET. */
  commits?: boolean;
  run(call: MethodCall): unknown;
}

const writes = ['POST', 'PUT'] as const;

function docArg(raw: unknown, what: string): Doc {
  const value = parseJsonArg(raw, what);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return validationError(`${what} must be a document`);
  return value as Doc;
}

function requireArg(args: Record<string, unknown>, key: string): string {
  const value = str(args[key]);
  // A missing argument of a whitelisted function is a TypeError in Python: a 500.
  if (!value) frappeThrow('TypeError', `missing 1 required positional argument: '${key}'`);
  return value;
}

/** `frappe.client.get_value`'s lookup: a name, or filters in either form. */
function findOne(site: Site, doctype: string, filters: unknown): Doc | undefined {
  const parsed = parseJsonArg(filters, 'filters');
  if (typeof parsed === 'string') return site.exists(doctype, parsed) ? site.getDoc(doctype, parsed) : undefined;
  const [first] = site.query.list(doctype, site.rows(doctype), { filters: parsed, fields: ['name'], limit_page_length: 1 }, (d) => site.listRow(doctype, d));
  return first ? site.getDoc(doctype, str(first.name)) : undefined;
}

function insertDoc(call: MethodCall, doc: Doc): Doc {
  const doctype = str(doc.doctype);
  if (!doctype) validationError('doctype is required');
  allowed(call, doctype, 'create');
  return call.site.insert(doctype, doc);
}

/** `frappe.client` checks the caller's permission on the DocType it is asked about. */
function allowed(call: MethodCall, doctype: string, right: Right, options?: { traceback?: boolean }): string {
  call.site.requireMeta(doctype);
  requirePermission(call.session, doctype, right, options);
  return doctype;
}

export const whitelistedMethods: Record<string, Whitelisted> = {
  'frappe.ping': { allowGuest: true, run: () => 'pong' },
  // `frappe.handler.ping`, reached as `/api/method/ping` (001).
  ping: { allowGuest: true, run: () => 'pong' },
  'frappe.auth.get_logged_user': { run: ({ user }) => user },
  'frappe.client.get_list': {
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'read', { traceback: true });
      return site.query.answer(doctype, site.rows(doctype), args, (d) => site.listRow(doctype, d));
    },
  },
  'frappe.client.get_count': {
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'read', { traceback: true });
      return site.query.count(doctype, site.rows(doctype), args.filters);
    },
  },
  'frappe.client.get': {
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'read');
      const doc = args.name ? site.getDoc(doctype, str(args.name)) : findOne(site, doctype, args.filters);
      if (!doc) return frappeThrow('DoesNotExistError', `${doctype} not found`);
      return site.asDict(doctype, doc);
    },
  },
  /**
   * frappe/client.py get_value (v15 source): filters through `get_safe_filters` (JSON if it parses,
   * a bare string is a name), the field list through `get_list` (so an unknown field is the
   * DataError of 086), and with the default `as_dict` the first row or `{}` when nothing matches (085).
   */
  'frappe.client.get_value': {
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'read');
      const parsed = parseJsonArg(args.fieldname, 'fieldname');
      const fields = Array.isArray(parsed) ? parsed.map(String) : [str(parsed)];
      const safe = parseJsonArg(args.filters, 'filters');
      const filters = typeof safe === 'string' ? (safe === '' ? undefined : { name: safe }) : safe;
      const [row] = site.query.list(doctype, site.rows(doctype), { filters, fields, limit_page_length: 1 }, (d) => site.listRow(doctype, d));
      return row ?? {};
    },
  },
  'frappe.client.set_value': {
    methods: writes,
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'write');
      const name = requireArg(args, 'name');
      const parsed = parseJsonArg(args.fieldname, 'fieldname');
      const values = parsed && typeof parsed === 'object' ? (parsed as Doc) : { [str(parsed)]: args.value };
      return site.asDict(doctype, site.save(doctype, name, values));
    },
  },
  'frappe.client.insert': {
    methods: writes,
    run: (call) => {
      const { site, args } = call;
      const doc = insertDoc(call, docArg(args.doc, 'doc'));
      return site.asDict(str(doc.doctype), doc);
    },
  },
  'frappe.client.insert_many': {
    methods: writes,
    run: (call) => {
      const docs = parseJsonArg(call.args.docs, 'docs');
      if (!Array.isArray(docs)) return validationError('docs must be a list');
      if (docs.length > 200) validationError('Only 200 inserts allowed in one request');
      return docs.map((d: unknown) => str(insertDoc(call, docArg(d, 'doc')).name));
    },
  },
  /**
   * frappe/client.py bulk_update (v15 source, captures 095/096): `docs` is a JSON string (json.loads
   * of a list fails as a TypeError, 500); each entry names `doctype` and `docname`, is saved on its
   * own, and a failing one is returned in `failed_docs` while the rest are kept.
   */
  'frappe.client.bulk_update': {
    methods: writes,
    run: (call) => {
      const docs = jsonLoadsArg(call.args.docs);
      if (!Array.isArray(docs)) return pythonCrash('TypeError', `'${typeof docs}' object is not iterable`);
      const failed: { doc: unknown; exc: string }[] = [];
      for (const entry of docs as Doc[]) {
        const { flags: _flags, docname, ...fields } = entry;
        try {
          const doctype = allowed(call, str(fields.doctype), 'write');
          call.site.save(doctype, str(docname), fields);
        } catch (err) {
          // The caught frappe.throw's msgprint stays in the message log: the 200 carries it (096).
          if (err instanceof FrappeException && !err.detail.silent) for (const message of err.messages) call.site.msgprint(message, { raised: { title: err.detail.title ?? 'Message' } });
          failed.push({ doc: entry, exc: err instanceof Error ? `Traceback (most recent call last):\n${err.message}` : String(err) });
        }
      }
      return { failed_docs: failed };
    },
  },
  'frappe.client.save': {
    methods: writes,
    run: (call) => {
      const { site, args } = call;
      const doc = docArg(args.doc, 'doc');
      const doctype = str(doc.doctype);
      const saved = doc.name && site.exists(doctype, str(doc.name)) ? site.save(allowed(call, doctype, 'write'), str(doc.name), doc) : insertDoc(call, doc);
      return site.asDict(doctype, saved);
    },
  },
  'frappe.client.submit': {
    methods: writes,
    run: (call) => {
      const { site, args } = call;
      const doc = docArg(args.doc, 'doc');
      const doctype = str(doc.doctype);
      const submitted = doc.name && site.exists(doctype, str(doc.name)) ? site.save(allowed(call, doctype, 'submit'), str(doc.name), { ...doc, docstatus: 1 }) : insertDoc(call, { ...doc, docstatus: 1 });
      return site.asDict(doctype, submitted);
    },
  },
  'frappe.client.cancel': {
    methods: writes,
    run: (call) => {
      const { site, args } = call;
      const doctype = allowed(call, requireArg(args, 'doctype'), 'cancel');
      return site.asDict(doctype, site.cancel(doctype, requireArg(args, 'name')));
    },
  },
  'frappe.client.delete': {
    methods: ['POST', 'DELETE'],
    run: (call) => {
      const { site, args } = call;
      site.delete(allowed(call, requireArg(args, 'doctype'), 'delete'), requireArg(args, 'name'));
      return undefined;
    },
  },
  /**
   * Education's bulk attendance: the lists arrive as JSON strings (Education `json.loads` them, so a
   * JSON array instead of a string fails as it does there), each entry needs `student` and
   * `student_name`; every record is saved, then submitted; the function commits itself.
   */
  'education.education.api.mark_attendance': {
    commits: true,
    run: ({ site, args }) => {
      const group = str(args.student_group);
      const date = str(args.date);
      if (group) {
        const year = str(site.getDoc('Student Group', group).academic_year);
        if (year) {
          const { year_start_date: start, year_end_date: end } = site.getDoc('Academic Year', year);
          if (date < str(start) || date > str(end)) validationError(`Attendance cannot be marked outside of Academic Year ${year}`);
        }
      }
      const decode = (key: string): Record<string, unknown>[] => {
        const raw = args[key];
        if (typeof raw !== 'string') return frappeThrow('TypeError', `the JSON object must be str, bytes or bytearray, not ${Array.isArray(raw) ? 'list' : typeof raw}`);
        const list = parseJsonArg(raw, key);
        return Array.isArray(list) ? list : frappeThrow('TypeError', `'${typeof list}' object is not iterable`);
      };
      const mark = (entries: Record<string, unknown>[], status: string) => {
        for (const entry of entries) {
          for (const key of ['student', 'student_name']) if (!(key in entry)) frappeThrow('KeyError', `'${key}'`);
          const doc = site.insert('Student Attendance', { student: entry.student, student_name: entry.student_name, course_schedule: args.course_schedule ?? null, student_group: group || null, date, status });
          site.save('Student Attendance', str(doc.name), { docstatus: 1 });
        }
      };
      const present = decode('students_present');
      const absent = decode('students_absent');
      mark(present, 'Present');
      mark(absent, 'Absent');
      site.msgprint('Attendance has been marked successfully.');
      return undefined;
    },
  },
  // ERPNext's accounts helpers (get_payment_entry, make_sales_return) live in methods-accounts.ts.
  ...accountsMethods,
};

/** Python functions the sandbox knows exist but are not whitelisted (a call is 403, not 417). */
// frappe.utils.execute_in_shell: a plain function of frappe/utils/__init__.py (v15 source, no @whitelist).
const notWhitelisted = new Set(['frappe.get_doc', 'frappe.get_list', 'frappe.get_all', 'frappe.db.sql', 'frappe.new_doc', 'frappe.delete_doc', 'frappe.utils.execute_in_shell']);

/** Modules whose functions the sandbox serves; a missing attribute of one is `get_attr`'s ValidationError. */
const knownModules = new Set(Object.keys(whitelistedMethods).filter((path) => path.includes('.')).map((path) => path.slice(0, path.lastIndexOf('.'))));

/**
 * Looks up a function and checks the HTTP method and session, as `frappe.handler.execute_cmd`
 * does: an unknown function is a 417 "Failed to get method…" (067), a known but not whitelisted
 * one a 403 "not whitelisted" (068, and Guest calling a non-guest function, 004).
 */
export function resolveMethod(path: string, httpMethod: string, session: Session): Whitelisted {
  const method = whitelistedMethods[path];
  const notAllowed = () =>
    new FrappeException('PermissionError', 403, [`<details><summary>You are not permitted to access this resource. Login to access</summary>Function <strong>${path}</strong> is not whitelisted.</details>`], undefined, { title: 'Method Not Allowed' });
  if (!method) {
    if (notWhitelisted.has(path)) throw notAllowed();
    const module = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : path;
    const reason = knownModules.has(module) ? `module '${module}' has no attribute '${path.slice(module.length + 1)}'` : `No module named '${module}'`;
    throw new FrappeException('ValidationError', 417, [`Failed to get method for command ${path} with ${reason}`]);
  }
  if (method.methods && !method.methods.includes(httpMethod)) notPermitted();
  if (session.user === 'Guest' && !method.allowGuest) throw notAllowed();
  return method;
}
