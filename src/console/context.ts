import type { Client } from '@temporalio/client';
import type { ReportSources } from '../reports/report-sources';
import type { TemporalUi } from './temporal-links';

/** What every console page is built with. */
export interface ConsoleContext {
  temporal: Client;
  temporalUi: TemporalUi;
  /**
   * Paced, cached reads of ERPNext and Moodle (src/reports), built once per gateway: the 360°
   * student view and the report pages. Absent when the gateway has no credentials for the two
   * systems; the student page then shows the audit trail alone.
   */
  reports?: ReportSources;
}
