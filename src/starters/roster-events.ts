import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import { rosterSyncKinds, rosterWorkflowIds } from '../common/roster-ids';
import { SyncKind } from '../common/search-attributes';
import { taskQueues } from '../common/task-queues';
import type { ProvisionAllInput } from '../../workflows/provision-all';

export interface ProvisionRequest {
  dryRun?: boolean;
  terms?: string[];
  /** A Student Group's webhook: `group:<name>`, provisioning only the courses the group covers. */
  group?: string;
  /** An Instructor's webhook: `teacher:<name>`, provisioning only the courses the instructor teaches. */
  instructor?: string;
}

/**
 * Starts `provisionAll` for the CLI, the admin route and the roster webhooks. A repeated trigger
 * for the same group or teacher joins the run in flight (the id is the business key); everything
 * at once gets a time-stamped id, a dry run its own.
 */
export async function startProvisioning(client: Client, mapping: Mapping, request: ProvisionRequest, now = new Date()): Promise<{ workflowId: string }> {
  const base = request.group ? rosterWorkflowIds.group(request.group) : request.instructor ? rosterWorkflowIds.teacher(request.instructor) : rosterWorkflowIds.all(now.toISOString());
  const workflowId = request.dryRun ? `${base}:dry-run` : base;
  const input: ProvisionAllInput = {
    settings: mapping.roster,
    studentRoleId: mapping.moodle.studentRoleId,
    auth: mapping.moodle.auth,
    dryRun: request.dryRun ?? false,
    terms: request.terms,
    groups: request.group ? [request.group] : undefined,
    instructors: request.instructor ? [request.instructor] : undefined,
  };
  await client.workflow.start('provisionAll', {
    taskQueue: taskQueues.workflows,
    workflowId,
    args: [input],
    typedSearchAttributes: [{ key: SyncKind, value: rosterSyncKinds.provision }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return { workflowId };
}
