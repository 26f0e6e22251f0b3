import { webhookDocEvents } from './doctypes-core';
import { bold, validationError } from './frappe-errors';
import type { FieldMeta, FieldType } from './meta';
import type { Controller } from './site';
import { type Doc, str } from './store';
import { compileCondition } from './webhook-condition';
import { compileTemplate } from './webhook-template';

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
    site.meta.removeCustomField(str(doc.dt), str(doc.fieldname));
    site.meta.addCustomField(str(doc.dt), fieldOf(doc));
  },
  onTrash(doc, site) {
    site.meta.removeCustomField(str(doc.dt), str(doc.fieldname));
  },
};

const webhook: Controller = {
  validate(doc, site) {
    const event = str(doc.webhook_docevent);
    if (!(webhookDocEvents as readonly string[]).includes(event)) return;
    if (submitEvents.has(event) && !site.meta.get(str(doc.webhook_doctype))?.isSubmittable) validationError('DocType must be Submittable for the selected Doc Event');
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
    if (doc.request_structure === 'JSON') doc.webhook_data = [];
    const dataFields = ((doc.webhook_data as Doc[]) ?? []).map((r) => str(r.fieldname));
    if (new Set(dataFields).size !== dataFields.length) validationError('Same Field is entered more than once');
    if (Number(doc.enable_security) && !str(doc.webhook_secret)) validationError('Invalid Webhook Secret');
    if (str(doc.webhook_json)) {
      try {
        compileTemplate(str(doc.webhook_json));
      } catch (err) {
        validationError(`Unsupported webhook_json template: ${(err as Error).message}`);
      }
    }
  },
};

export const coreControllers: Record<string, Controller> = {
  'Custom Field': customField,
  Webhook: webhook,
  User: { autoname: (doc) => str(doc.email) },
};
