import { FrappeException } from './frappe-errors';
import type { Site } from './site';
import type { Doc } from './store';

/**
 * DocType controllers: the Python class hooks of `frappe/model/document.py` a DocType's module
 * defines (validate, before_submit, on_update, …), and the document events Webhooks listen to.
 */
export type DocEvent = 'after_insert' | 'on_update' | 'on_submit' | 'on_cancel' | 'on_trash' | 'on_update_after_submit' | 'on_change';
export type SaveAction = 'insert' | 'save' | 'submit' | 'cancel' | 'update_after_submit';

export interface Controller {
  /** For `autoname: 'controller'` DocTypes. */
  autoname?(doc: Doc, site: Site): string;
  beforeInsert?(doc: Doc, site: Site): void;
  /** Runs on insert, save and submit (not on cancel or update after submit). */
  validate?(doc: Doc, site: Site, action: SaveAction): void;
  beforeSubmit?(doc: Doc, site: Site): void;
  beforeCancel?(doc: Doc, site: Site): void;
  afterInsert?(doc: Doc, site: Site): void;
  onUpdate?(doc: Doc, site: Site): void;
  onSubmit?(doc: Doc, site: Site): void;
  onCancel?(doc: Doc, site: Site): void;
  onTrash?(doc: Doc, site: Site): void;
}

/** The app whose code a module's controllers are (`_exc_source`); Frappe's own modules name none. */
export function appOf(module: string | undefined): string | undefined {
  if (module === 'Education') return 'education';
  if (module && ['Accounts', 'Selling', 'Stock', 'Setup', 'Buying'].includes(module)) return 'erpnext';
  return undefined;
}

/** Wraps a controller so that what its hooks raise carries `_exc_source: "<app> (app)"`, as Frappe reads it off the traceback. */
export function attributed(controller: Controller, app: string | undefined): Controller {
  if (!app) return controller;
  const wrapped: Record<string, unknown> = {};
  for (const [hook, fn] of Object.entries(controller)) {
    wrapped[hook] = (...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        if (err instanceof FrappeException && !err.detail.excSource) err.detail.excSource = `${app} (app)`;
        throw err;
      }
    };
  }
  return wrapped as Controller;
}
