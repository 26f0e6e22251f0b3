import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Mapping } from '../../config/mapping-file';
import { startAttendanceSync, startGradeSync } from '../../starters/sync-requests';
import { startCompletionSync } from '../../starters/completion-sync';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminSyncRoutesOptions {
  temporal: Client;
  mapping: Mapping;
  adminToken: string;
}

const name = z.string().trim().min(1).max(140);
// Without a body Fastify hands the validator null: that means "everything".
const gradeSyncBody = z
  .strictObject({ course: name.optional(), student: name.optional() })
  .nullish()
  .transform((body) => body ?? {});
const attendanceSyncBody = z
  .strictObject({ course: name.optional() })
  .nullish()
  .transform((body) => body ?? {});
const started = z.object({ workflowId: z.string(), runId: z.string() });

/**
 * `POST /admin/sync/grades`, `/admin/sync/attendance` and `/admin/sync/completions`: start the workflow the nightly Schedule
 * starts, now, optionally for one course (or, for grades, one student). 202 once Temporal has
 * accepted the start, with the workflow id and the run the request went to (grades and attendance
 * go to the kind's single run, whose id never changes, so the run id says which one).
 */
export const adminSyncRoutes: FastifyPluginAsyncZod<AdminSyncRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.post('/admin/sync/grades', { schema: { body: gradeSyncBody, response: { 202: started } } }, async (request, reply) => {
    return reply.code(202).send(await startGradeSync(options.temporal, options.mapping, request.body));
  });

  app.post('/admin/sync/attendance', { schema: { body: attendanceSyncBody, response: { 202: started } } }, async (request, reply) => {
    return reply.code(202).send(await startAttendanceSync(options.temporal, options.mapping, request.body));
  });

  app.post('/admin/sync/completions', { schema: { body: attendanceSyncBody, response: { 202: started } } }, async (request, reply) => {
    return reply.code(202).send(await startCompletionSync(options.temporal, options.mapping, request.body));
  });
};
