import { childRows, markUnsaved, stampChildren } from './child-rows';
import type { Controller } from './controller';
import { checkDocstatusTransition } from './docstatus';
import type { DocumentSteps } from './document-steps';
import { FrappeException, bold, frappeThrow } from './frappe-errors';
import type { DocTypeMeta } from './meta';
import { newName } from './naming';
import type { Doc } from './store';
import { coerce, defaultValue } from './validation';

/**
 * `Document.insert` (`frappe/model/document.py`) in two halves, so a multi-worker site can let
 * other requests run between them: links + fetch → before_insert → name → validate →
 * [before_submit] → mandatory/select, then primary key/unique → store → after_insert, on_update,
 * [on_submit].
 */

/** An insert validated but not yet written. */
export interface PendingInsert {
  doctype: string;
  meta: DocTypeMeta;
  controller: Controller;
  doc: Doc;
}

/** Everything of an insert before the row is written: defaults, links, naming, validate, mandatory and select checks. */
export function prepareInsert(steps: DocumentSteps, doctype: string, body: Doc): PendingInsert {
  const { site, validation } = steps;
  const meta = steps.requireMeta(doctype);
  if (meta.istable) frappeThrow('ValidationError', `${doctype} is a child table and cannot be inserted on its own`);
  const controller = steps.controllerOf(doctype);
  const today = steps.clock.today();
  const doc: Doc = {};
  for (const field of meta.fields) {
    doc[field.fieldname] = field.fieldname in body ? coerce(field, body[field.fieldname]) : fieldDefault(steps, field, today);
    if (field.fieldtype === 'Table') doc[field.fieldname] = childRows(steps.requireMeta(field.options ?? ''), body[field.fieldname], today);
  }
  const docstatus = Math.trunc(Number(body.docstatus ?? 0)) || 0;
  checkDocstatusTransition(0, docstatus);
  if (docstatus === 1 && !meta.isSubmittable) frappeThrow('ValidationError', `Cannot submit ${doctype}: it is not submittable`);
  doc.docstatus = docstatus;
  doc.doctype = doctype;

  validation.validateLinks(doctype, doc);
  controller.beforeInsert?.(doc, site);
  const name = meta.autoname === 'controller' ? (controller.autoname?.(doc, site) ?? frappeThrow('ValidationError', `${doctype} has no naming rule`)) : newName(meta, doc, steps.store, today, body);
  const stamp = steps.clock.timestamp();
  Object.assign(doc, { name, owner: steps.sessionUser(), creation: stamp, modified: stamp, modified_by: steps.sessionUser(), idx: 0 });
  stampChildren(meta, doc);

  controller.validate?.(doc, site, docstatus === 1 ? 'submit' : 'insert');
  if (docstatus === 1) controller.beforeSubmit?.(doc, site);
  // Controllers may have filled child tables (Program Enrollment's courses): stamp those rows too.
  stampChildren(meta, doc);
  validation.validateMandatory(doctype, doc);
  validation.validateSelects(doctype, doc);
  return { doctype, meta, controller, doc };
}

/** The write and what follows it: the primary key and unique indexes, then after_insert, on_update, [on_submit]. */
export function completeInsert(steps: DocumentSteps, { doctype, meta, controller, doc }: PendingInsert): Doc {
  const { site } = steps;
  if (steps.store.has(doctype, String(doc.name))) duplicateEntry(doctype, String(doc.name));
  steps.validation.validateUnique(doctype, doc);
  steps.store.put(doctype, doc);
  markUnsaved(meta, doc);

  controller.afterInsert?.(doc, site);
  steps.emit(doctype, 'after_insert', doc);
  controller.onUpdate?.(doc, site);
  steps.emit(doctype, 'on_update', doc);
  if (doc.docstatus === 1) {
    controller.onSubmit?.(doc, site);
    steps.emit(doctype, 'on_submit', doc);
  }
  return doc;
}

/** `_set_defaults`: the field's own default, or for a Link a site default of its fieldname whose target exists. */
function fieldDefault(steps: DocumentSteps, field: DocTypeMeta['fields'][number], today: string): unknown {
  const siteDefault = field.fieldtype === 'Link' && field.options !== 'User' && field.default === undefined ? steps.siteDefault(field.fieldname) : undefined;
  if (siteDefault !== undefined && steps.store.has(field.options ?? '', siteDefault)) return siteDefault;
  return defaultValue(field, today);
}

/**
 * The primary key refusing a second row: the IntegrityError text as Frappe wraps it, after the
 * "Duplicate Name" msgprint (which has an indicator but is not the raise itself: 055, 056).
 */
function duplicateEntry(doctype: string, name: string): never {
  throw new FrappeException('DuplicateEntryError', 409, [`${doctype} ${bold(name)} already exists`], undefined, {
    text: `('${doctype}', '${name}', IntegrityError(1062, "Duplicate entry '${name}' for key 'PRIMARY'"))`,
    title: 'Duplicate Name',
    printedOnly: true,
  });
}
