import type { ErpnextClient } from '../erpnext/client';
import { ErpnextError } from '../erpnext/errors';
import { createCustomFields } from '../erpnext/resources/custom-fields';
import { moodleUserIdField } from '../erpnext/resources/students';
import { createWebhooks } from '../erpnext/resources/webhooks';
import { erpnextWebhookDeliveries } from '../webhooks/erpnext-contract';
import { blocker, ok, unreachable, warning, type Check } from './checks';

/** DocTypes the worker reads (docs/erpnext-protocol.md §9). */
export const readDoctypes = ['Student', 'Program', 'Program Enrollment', 'Course Enrollment', 'Course', 'Student Group', 'Assessment Plan', 'Assessment Result', 'Student Attendance'] as const;
/** DocTypes the worker inserts into. */
export const createDoctypes = ['Assessment Result', 'Student Attendance'] as const;

const isPermissionError = (err: unknown) => err instanceof ErpnextError && (err.status === 403 || err.excType === 'PermissionError');
const roleFix = 'give the API user the role Academics User (docs/operations.md)';

/**
 * Probes that write nothing. Frappe checks the create permission before it validates a new
 * document, and the write permission before it compares `modified` (frappe/frappe
 * frappe/model/document.py, insert and _save): an empty insert then fails validation (417), a save
 * carrying a stale `modified` fails TimestampMismatchError (417) and is rolled back, while a
 * missing permission answers 403 first.
 */
async function createProbe(erp: ErpnextClient, doctype: string): Promise<Check> {
  try {
    await erp.insert(doctype, {});
    return warning('erpnext', `create ${doctype}`, 'an empty document was accepted', `delete the empty ${doctype} the probe made`);
  } catch (err) {
    if (isPermissionError(err)) return blocker('erpnext', `create ${doctype}`, 'PermissionError', roleFix);
    if (err instanceof ErpnextError && err.status === 417) return ok('erpnext', `create ${doctype}`, 'permitted (probe refused by validation, nothing written)');
    return unreachable('erpnext', `create ${doctype}`, err, 'see the error');
  }
}

async function studentWriteProbe(erp: ErpnextClient): Promise<Check> {
  const [student] = await erp.getList('Student', { limitPageLength: 1 });
  if (!student) return warning('erpnext', 'write Student', 'no Student to probe with', 'run doctor again once Students exist');
  try {
    await erp.update('Student', String(student.name), { modified: '2000-01-01 00:00:00.000000' });
    return warning('erpnext', 'write Student', 'a stale save was accepted (expected TimestampMismatchError)', 'check the site: a stale save should be refused');
  } catch (err) {
    if (isPermissionError(err)) return blocker('erpnext', 'write Student', 'PermissionError', roleFix);
    if (err instanceof ErpnextError && err.excType === 'TimestampMismatchError') return ok('erpnext', 'write Student', 'permitted (stale probe refused, nothing written)');
    return unreachable('erpnext', 'write Student', err, 'see the error');
  }
}

export async function erpnextChecks(erp: ErpnextClient, options: { gatewayUrl: string; studentCustomFields?: readonly string[] }): Promise<Check[]> {
  try {
    const user = await erp.callMethod('frappe.auth.get_logged_user', {}, 'GET');
    const checks: Check[] = [ok('erpnext', 'API key', `valid (user ${String(user)})`)];
    for (const doctype of readDoctypes) {
      try {
        await erp.getList(doctype, { limitPageLength: 1 });
        checks.push(ok('erpnext', `read ${doctype}`, 'permitted'));
      } catch (err) {
        checks.push(isPermissionError(err) ? blocker('erpnext', `read ${doctype}`, 'PermissionError', roleFix) : unreachable('erpnext', `read ${doctype}`, err, 'see the error'));
      }
    }
    checks.push(await studentWriteProbe(erp));
    for (const doctype of createDoctypes) checks.push(await createProbe(erp, doctype));
    checks.push(...(await provisioningChecks(erp, options.gatewayUrl, options.studentCustomFields)));
    return checks;
  } catch (err) {
    const fix = err instanceof ErpnextError && err.status === 401 ? 'set ERPNEXT_API_KEY and ERPNEXT_API_SECRET of the API user' : 'check ERPNEXT_URL';
    return [unreachable('erpnext', 'API key', err, fix)];
  }
}

/** What `setup` provisions, compared with what the site holds; the Webhooks must deliver to this gateway, signed. */
async function provisioningChecks(erp: ErpnextClient, gatewayUrl: string, studentCustomFields?: readonly string[]): Promise<Check[]> {
  const checks: Check[] = [];
  const setupFix = `run \`campus-bridge setup --gateway-url ${gatewayUrl}\``;
  try {
    checks.push(
      (await createCustomFields(erp).exists(moodleUserIdField))
        ? ok('erpnext', `custom field Student.${moodleUserIdField.fieldname}`, 'present')
        : blocker('erpnext', `custom field Student.${moodleUserIdField.fieldname}`, 'missing: onboarding cannot record the Moodle user id', setupFix),
    );
  } catch (err) {
    checks.push(isPermissionError(err) ? warning('erpnext', 'custom field', 'cannot read Custom Field with this key', 'run doctor with the System Manager key setup uses') : unreachable('erpnext', 'custom field', err, 'see the error'));
    return checks;
  }
  const webhooks = createWebhooks(erp);
  for (const wanted of erpnextWebhookDeliveries(gatewayUrl, { studentCustomFields })) {
    const name = `${wanted.webhook_doctype} ${wanted.webhook_docevent}`;
    try {
      const found = (await webhooks.findByName(`Campus Bridge ${name}`)) ?? (await webhooks.findDelivering(wanted));
      const doc = found && (await webhooks.get(found.name));
      if (!doc) checks.push(blocker('erpnext', `webhook ${name}`, 'missing', setupFix));
      else if (doc.request_url !== wanted.request_url) checks.push(blocker('erpnext', `webhook ${name}`, `delivers to ${doc.request_url}, not this gateway (${wanted.request_url})`, setupFix));
      else if (doc.enabled !== 1 || doc.enable_security !== 1) checks.push(blocker('erpnext', `webhook ${name}`, doc.enabled !== 1 ? 'disabled' : 'not signed (enable_security off)', setupFix));
      else if (doc.webhook_json !== wanted.webhook_json) checks.push(warning('erpnext', `webhook ${name}`, 'body template differs from the contract', setupFix));
      else checks.push(ok('erpnext', `webhook ${name}`, `signed, to ${doc.request_url}`));
    } catch (err) {
      checks.push(isPermissionError(err) ? warning('erpnext', `webhook ${name}`, 'cannot read Webhook with this key', 'run doctor with the System Manager key setup uses') : unreachable('erpnext', `webhook ${name}`, err, 'see the error'));
    }
  }
  return checks;
}
