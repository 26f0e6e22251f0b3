import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { MassChangeLimits } from '../common/mass-change-breaker';
import { rosterRunAttributes, rosterTrigger, rosterWorkflowIds, type RosterDoctype } from '../common/roster-ids';
import { taskQueues } from '../common/task-queues';
import { startOnce } from './start-once';
import type { ProvisionAllInput } from '../../workflows/provision-all';

/** What every provisioning run takes from the mapping file; triggers add only their filter. */
export type RosterDefaults = Pick<ProvisionAllInput, 'settings' | 'studentRoleId' | 'auth' | 'conflictTimeoutMs'>;

export function rosterDefaults(mapping: Mapping): RosterDefaults {
  return { settings: mapping.roster, studentRoleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth, conflictTimeoutMs: mapping.conflictTimeout };
}

export interface ProvisionRequest {
  dryRun?: boolean;
  terms?: string[];
  /** A Student Group's trigger: `group:<name>`, provisioning only the courses the group covers. */
  group?: string;
  /** An Instructor's trigger: `teacher:<name>`, provisioning only the courses the instructor teaches. */
  instructor?: string;
  /** The mass-change breaker on each course's removals (the backfill's limits). */
  limits?: MassChangeLimits;
}

/**
 * Starts `provisionAll` for the CLI and the admin route. A repeated request for the same group or
 * teacher joins the run in flight (the id is the business key); everything at once gets a
 * time-stamped id, a dry run its own.
 */
export async function startProvisioning(client: Client, mapping: Mapping, request: ProvisionRequest, now = new Date()): Promise<{ workflowId: string }> {
  const base = request.group ? rosterWorkflowIds.group(request.group) : request.instructor ? rosterWorkflowIds.teacher(request.instructor) : rosterWorkflowIds.all(now.toISOString());
  const workflowId = request.dryRun ? `${base}:dry-run` : base;
  const filter = { groups: request.group ? [request.group] : undefined, instructors: request.instructor ? [request.instructor] : undefined };
  const input: ProvisionAllInput = { ...rosterDefaults(mapping), dryRun: request.dryRun ?? false, terms: request.terms, limits: request.limits, ...filter };
  await client.workflow.start('provisionAll', {
    taskQueue: taskQueues.workflows,
    workflowId,
    args: [input],
    typedSearchAttributes: rosterRunAttributes(filter),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return { workflowId };
}

/**
 * A roster document's webhook: the provisioning its change needs, with the id the change feed
 * gives the same version of the document (src/common/roster-ids.ts), so the two start one run.
 * `duplicate` when that version was already handled.
 */
export async function startRosterTrigger(
  client: Client,
  defaults: RosterDefaults,
  doctype: RosterDoctype,
  doc: { name: string; modified: string; studentGroup?: string },
): Promise<{ workflowId: string; duplicate: boolean }> {
  const { workflowId, filter } = rosterTrigger(doctype, doc);
  const input: ProvisionAllInput = { ...defaults, dryRun: false, ...filter };
  return startOnce(client, 'provisionAll', { taskQueue: taskQueues.workflows, workflowId, args: [input], typedSearchAttributes: rosterRunAttributes(filter) });
}
