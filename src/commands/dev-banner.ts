import Table from 'cli-table3';
import { developmentDefaults, type DevConfig } from '../config/env';

export interface DevStackAddresses {
  gatewayUrl: string;
  operatorUrl: string;
  uiPort: number;
  realMoodle: boolean;
  realErpnext: boolean;
}

/** Demo credentials are printed; anything configured stays unprinted, named by its variable. */
function credential(config: DevConfig, name: 'ADMIN_TOKEN' | 'MOODLE_TOKEN' | 'ERPNEXT_API_KEY' | 'ERPNEXT_API_SECRET'): string {
  return config[name] === developmentDefaults[name] ? config[name] : `(${name})`;
}

/** The table `npm start` prints once everything runs: where each part is and how to call it. */
export function devBanner(config: DevConfig, where: DevStackAddresses): string {
  // No colours (the banner also lands in log files and CI output); a rule under the header only.
  const table = new Table({ head: ['What', 'URL', 'Notes'], style: { head: [], border: [], compact: true } });
  table.push(
    ['Temporal Web UI', `http://localhost:${where.uiPort}`, `namespace ${config.TEMPORAL_NAMESPACE}, gRPC ${config.TEMPORAL_ADDRESS}`],
    ['Gateway', where.gatewayUrl, 'webhooks, /readyz'],
    ['Operator API', where.operatorUrl, `/admin, /metrics, /codec; bearer ${credential(config, 'ADMIN_TOKEN')}`],
    [
      where.realMoodle ? 'Moodle (real)' : 'Moodle sandbox',
      config.MOODLE_URL,
      where.realMoodle ? 'from MOODLE_URL' : `demo data; wstoken ${credential(config, 'MOODLE_TOKEN')}`,
    ],
    [
      where.realErpnext ? 'ERPNext (real)' : 'ERPNext sandbox',
      config.ERPNEXT_URL,
      where.realErpnext
        ? 'from ERPNEXT_URL; run `campus-bridge setup` once'
        : `demo data; Authorization: token ${credential(config, 'ERPNEXT_API_KEY')}:${credential(config, 'ERPNEXT_API_SECRET')}`,
    ],
  );
  return table.toString();
}
