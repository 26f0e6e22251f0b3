import { childRows, markUnsaved, stampChildren } from './child-rows';
import type { SaveAction } from './controller';
import { checkDocstatusTransition } from './docstatus';
import { isEmpty, type DocumentSteps } from './document-steps';
import { frappeThrow } from './frappe-errors';
import type { DocTypeMeta } from './meta';
import type { Doc } from './store';
import { checkUpdateAfterSubmit } from './update-after-submit';
import { coerce } from './validation';

const systemKeys = new Set(['name', 'doctype', 'owner', 'creation', 'modified_by', 'idx', 'parent', 'parentfield', 'parenttype']);

/**
 * `Document.save` with PUT semantics: apply the patch, then run the docstatus transition it
 * implies (save, submit, cancel, update after submit) under the optimistic lock on `modified`.
 */
export function saveDocument(steps: DocumentSteps, doctype: string, name: string, patch: Doc): Doc {
  const { site, validation } = steps;
  const meta = steps.requireMeta(doctype);
  const controller = steps.controllerOf(doctype);
  const stored = site.getDoc(doctype, name);
  const before = structuredClone(stored);
  const from = Number(stored.docstatus);
  const to = 'docstatus' in patch ? Math.trunc(Number(patch.docstatus)) || 0 : from;

  checkDocstatusTransition(from, to);
  if (to > 0 && !meta.isSubmittable) frappeThrow('ValidationError', `Cannot submit ${doctype}: it is not submittable`);
  const action: SaveAction = from === 0 ? (to === 1 ? 'submit' : 'save') : to === 2 ? 'cancel' : 'update_after_submit';

  if ('modified' in patch && !isEmpty(patch.modified) && String(patch.modified) !== String(stored.modified)) {
    frappeThrow(
      'TimestampMismatchError',
      `Error: Document has been modified after you have opened it (${String(patch.modified)}, ${String(stored.modified)}). Please refresh to get the latest document.`,
    );
  }

  const doc = stored;
  if (action !== 'cancel') applyPatch(steps, meta, doc, patch);
  doc.docstatus = to;
  if (action === 'update_after_submit') checkUpdateAfterSubmit(meta, (dt) => steps.requireMeta(dt), before, doc);
  checkSetOnlyOnce(meta, before, doc);
  stampChildren(meta, doc);
  Object.assign(doc, { modified: steps.clock.timestamp(), modified_by: steps.sessionUser() });

  if (action !== 'cancel') {
    validation.validateLinks(doctype, doc);
    // An update after submit runs only before_update_after_submit in Frappe, not validate.
    if (action !== 'update_after_submit') controller.validate?.(doc, site, action);
    if (action === 'submit') controller.beforeSubmit?.(doc, site);
    stampChildren(meta, doc);
    validation.validateMandatory(doctype, doc);
    validation.validateSelects(doctype, doc);
    validation.validateUnique(doctype, doc);
  } else controller.beforeCancel?.(doc, site);
  steps.store.put(doctype, doc);
  markUnsaved(meta, doc);

  if (action === 'save' || action === 'submit') {
    controller.onUpdate?.(doc, site);
    steps.emit(doctype, 'on_update', doc);
  }
  if (action === 'submit') {
    controller.onSubmit?.(doc, site);
    steps.emit(doctype, 'on_submit', doc);
  }
  if (action === 'cancel') {
    controller.onCancel?.(doc, site);
    steps.emit(doctype, 'on_cancel', doc);
    validation.assertNotLinked(doctype, name, 'Cancel');
  }
  // v15.50 lists on_update_after_submit as a Webhook event but never fires it (reference §3).
  steps.emit(doctype, 'on_change', doc);
  return doc;
}

function applyPatch(steps: DocumentSteps, meta: DocTypeMeta, doc: Doc, patch: Doc) {
  const today = steps.clock.today();
  for (const [key, value] of Object.entries(patch)) {
    if (systemKeys.has(key) || key === 'docstatus' || key === 'modified') continue;
    const field = meta.fields.find((x) => x.fieldname === key);
    if (!field) continue;
    // Frappe keeps a password when the form sends back its asterisks.
    if (field.fieldtype === 'Password' && /^\*+$/.test(String(value ?? ''))) continue;
    if (field.fieldtype !== 'Table') {
      doc[key] = coerce(field, value);
      continue;
    }
    // Like Frappe's `doc.update`, the given rows replace the table; a row keeping its `name` stays that row.
    doc[key] = childRows(steps.requireMeta(field.options ?? ''), value, today);
  }
}

function checkSetOnlyOnce(meta: DocTypeMeta, before: Doc, after: Doc) {
  for (const field of meta.fields.filter((x) => x.setOnlyOnce)) {
    if (!isEmpty(before[field.fieldname]) && before[field.fieldname] !== after[field.fieldname]) {
      frappeThrow('CannotChangeConstantError', `Value cannot be changed for ${field.label}`);
    }
  }
}
