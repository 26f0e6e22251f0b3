import type { Session } from './auth';
import { FrappeException, bold } from './frappe-errors';

/**
 * Role permissions (`DocPerm`) for the roles the captured site's callers hold. Administrator holds
 * every role; any other user may do on a DocType only what one of its roles is granted here.
 * Controllers' own inserts (a Student's Customer, a Program Enrollment's Course Enrollments) run with
 * `ignore_permissions`, as in Frappe, so only what the REST call itself touches is checked.
 */
export type Right = 'read' | 'write' | 'create' | 'submit' | 'cancel' | 'delete';

const all: Right[] = ['read', 'write', 'create', 'submit', 'cancel', 'delete'];

/**
 * DocType → role → rights. Only grants the captures show (README "Education": the Accounts User
 * may create Fee Structures and Sales Invoices but not Students, Courses, Items or Customers) or
 * ERPNext's standard DocPerms for that role on the same money DocTypes.
 */
const rolePermissions: Record<string, Record<string, readonly Right[]>> = {
  'Sales Invoice': { 'Accounts User': all },
  'Payment Entry': { 'Accounts User': all },
  'Fee Structure': { 'Accounts User': ['read', 'write', 'create', 'submit', 'cancel'] },
  'Fee Schedule': { 'Accounts User': ['read', 'write', 'create', 'submit', 'cancel'] },
};

export function hasPermission(session: Session, doctype: string, right: Right): boolean {
  if (session.roles === 'all') return true;
  const granted = rolePermissions[doctype] ?? {};
  return session.roles.some((role) => granted[role]?.includes(right));
}

const denial = (session: Session, doctype: string) => `User ${bold(session.user)} does not have doctype access via role permission for document ${bold(doctype)}`;

/**
 * `frappe.has_permission(throw=True)`: a plain msgprint, then PermissionError with `_error_message`.
 * A document write raises it from `check_permission` with no traceback in the body (062, 075, 127);
 * a list raises it from `get_list`, which keeps the traceback (009).
 */
export function requirePermission(session: Session, doctype: string, right: Right, { traceback = false } = {}) {
  if (hasPermission(session, doctype, right)) return;
  throw new FrappeException('PermissionError', 403, [denial(session, doctype)], `No permission for ${doctype}`, { plain: true, noTraceback: !traceback, text: '' });
}
