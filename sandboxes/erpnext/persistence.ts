import { applyCustomField } from './controllers-core';
import type { Site } from './site';
import type { StoreDump } from './store';

/**
 * The ERPNext sandbox's whole database for a state file: every DocType's documents (Webhook and
 * Custom Field documents included; the latter's columns are added again on restore) and the
 * naming-series counters (`tabSeries`), so the next Student after a restart continues the series
 * instead of reusing a name. Site defaults are not kept: seedBase sets them again on every start.
 * Deliveries still in flight when the sandbox stops are lost, as a real site's background jobs
 * are when its workers die.
 */
export interface ErpnextSnapshot {
  version: 1;
  store: StoreDump;
}

export function snapshotErpnext(site: Site): ErpnextSnapshot {
  return { version: 1, store: site.store.dump() };
}

export function restoreErpnext(site: Site, snapshot: ErpnextSnapshot): void {
  if (snapshot.version !== 1) throw new Error(`unknown ERPNext sandbox state version ${String(snapshot.version)}`);
  site.store.load(snapshot.store);
  // The columns Custom Fields added are metadata, not documents: a real site keeps them in its
  // tables, so the restored site must have them again, or a list naming one is refused (417
  // "Field not permitted in query") and a save of one is silently dropped.
  for (const field of site.store.all('Custom Field')) applyCustomField(field, site);
}
