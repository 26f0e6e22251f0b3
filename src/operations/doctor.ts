import type { TemporalEnv } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import type { ErpnextClient } from '../erpnext/client';
import type { MoodleClient } from '../moodle/client';
import { unreachable, type Check } from './checks';
import { auditData } from './data-audit';
import { erpnextChecks } from './doctor-erpnext';
import { mappingChecks } from './doctor-mapping';
import { moodleChecks } from './doctor-moodle';
import { temporalChecks } from './doctor-temporal';
import { erpnextSnapshot, moodleSnapshot } from '../reconcile/snapshots';

export interface DoctorInput {
  temporal: TemporalEnv;
  moodle: MoodleClient;
  erpnext: ErpnextClient;
  mapping: Mapping;
  /** Where ERPNext must deliver webhooks (as `setup --gateway-url`). */
  gatewayUrl: string;
}

export interface DoctorReport {
  checks: Check[];
  blockers: number;
  warnings: number;
}

/**
 * The integration guide's pre-integration checklist, automated: each system's access, what setup
 * provisions, the mapping's completeness, then the data audit. Read-only (the ERPNext write
 * probes are refused before they write). Plain data, for the CLI table, --json and the console.
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const checks: Check[] = [];
  checks.push(...(await temporalChecks(input.temporal)));
  const moodle = await moodleChecks(input.moodle, input.mapping);
  checks.push(...moodle);
  const erp = await erpnextChecks(input.erpnext, { gatewayUrl: input.gatewayUrl, studentCustomFields: Object.keys(input.mapping.customFields) });
  checks.push(...erp);
  const reachable = (list: Check[], first: string) => !list.some((c) => c.name === first && c.status === 'blocker');
  if (reachable(moodle, 'token') && reachable(erp, 'API key')) {
    try {
      const [erpSnap, moodleSnap] = await Promise.all([erpnextSnapshot(input.erpnext, input.mapping), moodleSnapshot(input.moodle)]);
      checks.push(...(await mappingChecks(input.erpnext, input.mapping, erpSnap, moodleSnap)));
      checks.push(...auditData(erpSnap, moodleSnap));
    } catch (err) {
      checks.push(unreachable('data', 'data audit', err, 'fix the blockers above, then run doctor again'));
    }
  }
  return { checks, blockers: checks.filter((c) => c.status === 'blocker').length, warnings: checks.filter((c) => c.status === 'warning').length };
}
