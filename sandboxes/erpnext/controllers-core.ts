import { createHash, randomBytes } from 'node:crypto';
import { bold, validationError } from './frappe-errors';
import type { FieldMeta, FieldType } from './meta';
import type { Controller, Site } from './site';
import { type Doc, str } from './store';
import { compileCondition } from './webhook-condition';
import { compileTemplate, JinjaSyntaxError } from './webhook-template';

/** Custom Field (adds a field to a DocType's metadata) and Webhook (validated as Frappe does on save). */
const submitEvents = new Set<string>(['on_submit', 'on_cancel', 'on_update_after_submit']);

function fieldOf(doc: Doc): FieldMeta {
  return {
    fieldname: str(doc.fieldname),
    fieldtype: str(doc.fieldtype) as FieldType,
    label: str(doc.label) || str(doc.fieldname),
    options: str(doc.options) || undefined,
    reqd: Number(doc.reqd) === 1,
    unique: Number(doc.unique) === 1,
    readOnly: Number(doc.read_only) === 1,
    allowOnSubmit: Number(doc.allow_on_submit) === 1,
    default: str(doc.default) || undefined,
    fetchFrom: str(doc.fetch_from) || undefined,
  };
}

const restrictedFieldnames = new Set(['name', 'parent', 'creation', 'modified', 'modified_by', 'parentfield', 'parenttype', 'file_list', 'flags', 'docstatus']);

/** Custom Field `set_fieldname`: from the label (prefixed `custom_`) unless given; lower case; never a reserved column. */
function setFieldname(doc: Doc) {
  if (!str(doc.fieldname)) {
    if (!str(doc.label)) validationError('Label is mandatory');
    doc.fieldname = `custom_${str(doc.label).replace(/ /g, '_').replace(/[^\p{L}\p{N}_]/gu, '')}`;
  }
  doc.fieldname = str(doc.fieldname).toLowerCase();
  if (restrictedFieldnames.has(str(doc.fieldname))) doc.fieldname = `${str(doc.fieldname)}1`;
}

/** A saved Custom Field's column in its DocType's metadata (replacing what it said before). */
export function applyCustomField(doc: Doc, site: Site): void {
  site.meta.removeCustomField(str(doc.dt), str(doc.fieldname));
  site.meta.addCustomField(str(doc.dt), fieldOf(doc));
}

const customField: Controller = {
  autoname(doc) {
    setFieldname(doc);
    return `${str(doc.dt)}-${str(doc.fieldname)}`;
  },
  beforeInsert(doc, site) {
    setFieldname(doc);
    if (site.meta.field(str(doc.dt), str(doc.fieldname))) validationError(`A field with the name ${bold(doc.fieldname)} already exists in ${str(doc.dt)}`);
  },
  onUpdate(doc, site) {
    applyCustomField(doc, site);
  },
  onTrash(doc, site) {
    site.meta.removeCustomField(str(doc.dt), str(doc.fieldname));
  },
};

/** `validate_template`: Jinja's syntax error as Frappe words it (351); a template the sandbox's subset cannot render is refused too, in words of its own. */
function validateTemplate(template: string, options: { jinjaChecks: boolean }) {
  if (!template) return;
  try {
    compileTemplate(template);
  } catch (err) {
    if (err instanceof JinjaSyntaxError) {
      if (options.jinjaChecks) validationError(`Syntax error in template as line ${err.lineno}: ${err.message}`);
      return;
    }
    validationError(`Unsupported webhook_json template: ${(err as Error).message}`);
  }
}

/** Webhook.validate (frappe/integrations/doctype/webhook/webhook.py), its checks in their order (349–352). */
const webhook: Controller = {
  validate(doc, site) {
    if (submitEvents.has(str(doc.webhook_docevent)) && !site.meta.get(str(doc.webhook_doctype))?.isSubmittable) validationError('DocType must be Submittable for the selected Doc Event');
    if (str(doc.condition)) {
      try {
        compileCondition(str(doc.condition));
      } catch (err) {
        validationError(`Invalid Condition: ${(err as Error).message}`);
      }
    }
    try {
      if (!new URL(str(doc.request_url)).host) validationError('Check Request URL');
    } catch {
      if (!Number(doc.is_dynamic_url)) validationError('Check Request URL');
    }
    if (doc.request_structure === 'Form URL-Encoded') doc.webhook_json = null;
    if (doc.request_structure === 'JSON') {
      validateTemplate(str(doc.webhook_json), { jinjaChecks: true });
      doc.webhook_data = [];
    }
    const dataFields = ((doc.webhook_data as Doc[]) ?? []).map((r) => str(r.fieldname));
    if (new Set(dataFields).size !== dataFields.length) validationError('Same Field is entered more than once');
    if (Number(doc.enable_security) && !str(doc.webhook_secret)) validationError('Invalid Webhook Secret');
    // Without the JSON structure Frappe checks no template (a broken one fails at delivery), but the sandbox must still be able to render it.
    if (doc.request_structure !== 'JSON') validateTemplate(str(doc.webhook_json), { jinjaChecks: false });
    doc.preview_document = null;
  },
};

const standardUsers = new Set(['Administrator', 'Guest']);

/**
 * Frappe 15's User controller (frappe/core/doctype/user/user.py, read from source; the result is
 * 120): full name from the name parts; a new User's username is its scrubbed first name unless
 * another User has it; the password field is emptied; a "frappe" social login with a random id;
 * `set_system_user`: System User when any role has desk access (every role the sandbox grants does:
 * Student on the captured site, 120), else Website User.
 */
const user: Controller = {
  autoname: (doc) => str(doc.email),
  validate(doc, site, action) {
    doc.full_name = [doc.first_name, doc.middle_name, doc.last_name].filter((p) => str(p) !== '').join(' ');
    if (action === 'insert' && !str(doc.username) && str(doc.first_name)) {
      const username = str(doc.first_name).replace(/[ -]/g, '_').toLowerCase().replace(/^[ @]+|[ @]+$/g, '');
      doc.username = site.rows('User').some((u) => u.username === username) ? null : username;
    }
    doc.new_password = '';
    const logins = (doc.social_logins as Doc[]) ?? [];
    if (!logins.some((row) => row.provider === 'frappe')) doc.social_logins = [...logins, { provider: 'frappe', userid: randomBytes(20).toString('hex').slice(0, 39) }];
    if (!standardUsers.has(str(doc.name))) doc.user_type = ((doc.roles as Doc[]) ?? []).length > 0 ? 'System User' : 'Website User';
  },
  /**
   * `send_password_notification` on insert: the welcome mail first makes a reset key (`reset_password`,
   * by db_set), then finds no outgoing Email Account (the sandbox, like the captured site, has none),
   * so the "Welcome email sent" message gives way to this alert (116, 126, 142).
   */
  afterInsert(doc, site) {
    if (!Number(doc.send_welcome_email) || standardUsers.has(str(doc.name))) return;
    const reset = { reset_password_key: createHash('sha256').update(randomBytes(32)).digest('hex'), last_reset_password_key_generated_on: site.clock.timestamp() };
    site.dbSetValue('User', str(doc.name), reset);
    Object.assign(doc, reset);
    site.msgprint('Please setup default outgoing Email Account from Settings > Email Account', { alert: true });
  },
};

export const coreControllers: Record<string, Controller> = {
  'Custom Field': customField,
  Webhook: webhook,
  User: user,
};
