import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operationsStatus } from '../../operations/status';
import { studentTrail } from '../../operations/trail';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminStatusRoutesOptions {
  temporal: Client;
  adminToken: string;
}

const statusQuery = z.object({ since: z.iso.datetime().optional() });
const trailParams = z.object({ student: z.string().regex(/^[\w .@-]+$/, 'expected a Student name').max(140) });

/** `GET /admin/status?since=` and `GET /admin/students/<Student>/trail`: the same data as `campus-bridge status` / `trail`. */
export const adminStatusRoutes: FastifyPluginAsyncZod<AdminStatusRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));
  app.get('/admin/status', { schema: { querystring: statusQuery } }, async (request) =>
    operationsStatus(options.temporal, { since: request.query.since ? new Date(request.query.since) : undefined }),
  );
  app.get('/admin/students/:student/trail', { schema: { params: trailParams } }, async (request) => studentTrail(options.temporal, request.params.student));
};
