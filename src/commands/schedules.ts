import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { applySchedules, scheduleIds } from '../starters/nightly-schedules';
import { connectTemporalClient } from '../wiring/from-config';

export type SchedulesAction = 'apply' | 'trigger';

export interface SchedulesCommandOptions {
  action: SchedulesAction;
  /** For `trigger`: which schedule. */
  which?: keyof typeof scheduleIds;
  env?: NodeJS.ProcessEnv;
  /** An existing client (npm start, tests); otherwise one is connected from the environment. */
  client?: Client;
  print?: (line: string) => void;
}

/**
 * `campus-bridge schedules apply`: create or update the nightly grade and attendance Schedules
 * from the mapping file (idempotent). `campus-bridge schedules trigger <grades|attendance>`: run
 * one now, with the schedule's own overlap policy.
 */
export async function schedulesCommand(options: SchedulesCommandOptions): Promise<void> {
  const env = options.env ?? process.env;
  const config = loadConfig('schedules', env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    if (options.action === 'apply') {
      for (const { scheduleId, outcome } of await applySchedules(client, loadMapping(config.MAPPING_FILE))) print(`schedule ${scheduleId}: ${outcome}`);
      return;
    }
    const scheduleId = scheduleIds[options.which ?? 'grades'];
    await client.schedule.getHandle(scheduleId).trigger();
    print(`schedule ${scheduleId}: triggered`);
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}
