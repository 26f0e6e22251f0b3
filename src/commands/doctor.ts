import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { runDoctor, type DoctorReport } from '../operations/doctor';
import { erpnextClientFrom, moodleClientFrom } from '../wiring/from-config';

export interface DoctorCommandOptions {
  /** Where ERPNext must deliver webhooks; default http://127.0.0.1:<GATEWAY_PORT>, as `setup`. */
  gatewayUrl?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}

const marks = { ok: 'ok', warning: 'WARNING', blocker: 'BLOCKER' } as const;

export function doctorTable(report: DoctorReport): string {
  const table = new Table({ head: ['Area', 'Check', 'Status', 'Detail', 'Fix'], colWidths: [10, 30, 9, 60, 50], wordWrap: true, style: { head: [], border: [] } });
  for (const check of report.checks) table.push([check.area, check.name, marks[check.status], check.detail, check.fix ?? '']);
  return `${table.toString()}\n${report.blockers} blocker(s), ${report.warnings} warning(s)`;
}

/** `campus-bridge doctor [--gateway-url URL] [--json]`: the pre-integration checklist; exit status 1 on a blocker. */
export async function doctorCommand(options: DoctorCommandOptions = {}): Promise<DoctorReport> {
  const config = loadConfig('doctor', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const report = await runDoctor({
    temporal: config,
    moodle: moodleClientFrom(config),
    erpnext: erpnextClientFrom(config),
    mapping: loadMapping(config.MAPPING_FILE),
    gatewayUrl: options.gatewayUrl ?? `http://127.0.0.1:${config.GATEWAY_PORT}`,
  });
  print(options.json ? JSON.stringify(report, null, 2) : doctorTable(report));
  return report;
}
