import type { Client } from '@temporalio/client';
import type { GatewayConfig } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import { createReportSources, reportCacheTtlMs } from '../reports/report-sources';
import { erpnextClientFrom, moodleClientFrom } from '../wiring/from-config';
import type { ConsoleRoutesOptions } from './routes';

export type ConsoleConfig = Pick<GatewayConfig, 'ADMIN_TOKEN'> &
  Partial<Pick<GatewayConfig, 'TEMPORAL_UI_URL' | 'MOODLE_URL' | 'MOODLE_TOKEN' | 'ERPNEXT_URL' | 'ERPNEXT_API_KEY' | 'ERPNEXT_API_SECRET'>>;

/**
 * The console's options from the gateway's configuration: the Web UI for links (default the dev
 * server's), and the report sources when the gateway may read both systems (all five variables).
 * Built once per gateway, so the report cache and the per-system pacing are shared by every page.
 */
export function consoleOptionsFrom(config: ConsoleConfig, temporal: Client, mapping: Mapping): ConsoleRoutesOptions {
  const { MOODLE_URL, MOODLE_TOKEN, ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET } = config;
  const canRead = MOODLE_URL && MOODLE_TOKEN && ERPNEXT_URL && ERPNEXT_API_KEY && ERPNEXT_API_SECRET;
  return {
    adminToken: config.ADMIN_TOKEN,
    temporal,
    temporalUi: { baseUrl: config.TEMPORAL_UI_URL ?? 'http://localhost:8233', namespace: temporal.options.namespace },
    reports: canRead
      ? createReportSources({
          moodle: moodleClientFrom({ MOODLE_URL, MOODLE_TOKEN }),
          erpnext: erpnextClientFrom({ ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET }),
          temporal,
          mapping,
          cacheTtlMs: reportCacheTtlMs(),
        })
      : undefined,
  };
}
