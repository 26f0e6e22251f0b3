import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { startProvisioning } from '../starters/roster-events';
import { connectTemporalClient } from '../wiring/from-config';

export interface ProvisionCommandOptions {
  dryRun?: boolean;
  terms?: string[];
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

/**
 * `campus-bridge provision [--dry-run] [--term T]...`: provisions every offered course, its groups
 * and teachers at once, waits and prints the report. A dry run prints what would change and
 * writes nothing.
 */
export async function provisionCommand(options: ProvisionCommandOptions): Promise<void> {
  const config = loadConfig('sync', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const { workflowId } = await startProvisioning(client, loadMapping(config.MAPPING_FILE), { dryRun: options.dryRun, terms: options.terms });
    print(`started ${workflowId}`);
    print(JSON.stringify(await client.workflow.getHandle(workflowId).result(), null, 2));
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}
