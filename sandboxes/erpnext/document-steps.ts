import type { Clock } from './clock';
import type { Controller, DocEvent } from './controller';
import type { DocTypeMeta } from './meta';
import type { Site } from './site';
import type { Doc, Store } from './store';
import type { Validation } from './validation';

/**
 * What the insert and save pipelines (document-insert.ts, document-save.ts) use of the site they
 * run in: its metadata, store, checks and controllers, the request's user, and the event stream
 * webhooks follow. The Site builds one over its own parts; controllers still receive the Site.
 */
export interface DocumentSteps {
  site: Site;
  clock: Clock;
  store: Store;
  validation: Validation;
  requireMeta(doctype: string): DocTypeMeta;
  controllerOf(doctype: string): Controller;
  sessionUser(): string;
  /** A site-wide default (`frappe.db.set_default`) for Link fields of this name. */
  siteDefault(fieldname: string): string | undefined;
  emit(doctype: string, event: DocEvent, doc: Doc): void;
}

export const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
