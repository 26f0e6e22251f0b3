import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildCourseReport } from '../../reports/course-report';
import { buildProgramReport } from '../../reports/program-report';
import { reportCsv } from '../../reports/report-csv';
import type { ReportSources } from '../../reports/report-sources';
import { buildStudentReport, ReportNotFound } from '../../reports/student-report';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminReportRoutesOptions {
  /** Absent when the gateway has no Moodle/ERPNext credentials: every report answers 503. */
  reports?: ReportSources;
  adminToken: string;
}

const nameParam = z.string().regex(/^[\w .()@&-]+$/, 'expected an ERPNext name').max(140);
const query = z.object({ term: nameParam.optional(), format: z.enum(['json', 'csv']).default('json') });

/**
 * `GET /admin/reports/students/<Student>`, `/admin/reports/courses/<Course>[?term=]`,
 * `/admin/reports/programs/<Program>[?term=]`: the reports as JSON, or `?format=csv` (also
 * `Accept: text/csv`) for their main table. Read-only.
 */
export const adminReportRoutes: FastifyPluginAsyncZod<AdminReportRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));
  const routes = [
    ['/admin/reports/students/:name', (sources: ReportSources, name: string) => buildStudentReport(sources, name)],
    ['/admin/reports/courses/:name', (sources: ReportSources, name: string, term?: string) => buildCourseReport(sources, name, { term })],
    ['/admin/reports/programs/:name', (sources: ReportSources, name: string, term?: string) => buildProgramReport(sources, name, { term })],
  ] as const;
  for (const [path, build] of routes) {
    app.get(path, { schema: { params: z.object({ name: nameParam }), querystring: query } }, async (request, reply) => {
      if (!options.reports) return reply.code(503).send({ error: 'reports need MOODLE_URL, MOODLE_TOKEN, ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET on the gateway' });
      try {
        const report = await build(options.reports, request.params.name, request.query.term);
        const wantsCsv = request.query.format === 'csv' || (request.headers.accept ?? '').includes('text/csv');
        return wantsCsv ? reply.type('text/csv; charset=utf-8').send(reportCsv(report)) : report;
      } catch (error) {
        if (error instanceof ReportNotFound) return reply.code(404).send({ error: error.message });
        throw error;
      }
    });
  }
};
