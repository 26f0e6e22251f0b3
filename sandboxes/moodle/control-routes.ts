import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { enrolUser } from './enrolments';
import type { MoodleEvent } from './events';
import type { FunctionContext } from './functions/function';
import { addGradedModule, courseTotalItem, finalGrade, setGrade } from './gradebook';
import { addAttendanceSession, seedAttendanceStatuses } from './attendance-register';
import type { MoodleState } from './state';
import type { WebhookSender } from './webhooks';

export interface ControlRoutesOptions {
  state: MoodleState;
  webhooks: WebhookSender;
  requestCounts: Map<string, number>;
}

const settingsPatch = z
  .object({
    enablewebservices: z.boolean(),
    restEnabled: z.boolean(),
    allowaccountssameemail: z.boolean(),
    debug: z.boolean(),
    maxInputVars: z.number().int().positive(),
    simulateMoodleTiming: z.boolean(),
    revokedCapabilities: z.array(z.string()),
    curlsecurityblockedhosts: z.array(z.string()),
    wsRoleCapabilities: z.array(z.string()),
    messaging: z.boolean(),
    messagingallusers: z.boolean(),
  })
  .partial();

/** A hook as an administrator configures one of the two plugins (webhook-formats.ts). */
const webhookInput = z.object({
  url: z.url(),
  secret: z.string().min(1),
  events: z.array(z.string()).default([]),
  format: z.enum(['standard-webhooks', 'local_webhooks']).default('standard-webhooks'),
  extra: z.string().default(''),
  contentType: z.string().default('application/json'),
  includeOther: z.boolean().default(false),
  maxAttempts: z.number().int().positive().default(9),
  /** local_webhookengine's back-off (1 m, 5 m, 15 m, 1 h, 3 h, 6 h, 12 h, 24 h; jitter left out); tests shorten it. */
  retryDelaysMs: z.array(z.number().int().nonnegative()).default([60, 300, 900, 3600, 10800, 21600, 43200, 86400].map((seconds) => seconds * 1000)),
  /** Default: none for local_webhooks (Moodle's curl class sets only a connect timeout), the hook's 10 s for local_webhookengine. */
  timeoutMs: z.number().int().nonnegative().optional(),
});

const moduleInput = z.object({
  courseid: z.number().int(),
  modname: z.enum(['assign', 'quiz', 'attendance']),
  name: z.string().min(1),
  idnumber: z.string().optional(),
  grademax: z.number().positive().default(100),
});

const gradesInput = z.object({ cmid: z.number().int(), grades: z.array(z.object({ userid: z.number().int(), grade: z.number() })) });

const sessionInput = z.object({
  attendanceid: z.number().int(),
  sessdate: z.number().int(),
  duration: z.number().int().default(3600),
  description: z.string().default(''),
  /** Status by acronym (P, L, E, A); a taken session has at least one entry. */
  log: z.array(z.object({ studentid: z.number().int(), acronym: z.string(), remarks: z.string().default('') })).default([]),
});

/**
 * Sandbox-only routes under `/__sandbox/`, outside Moodle's protocol: inspection (request counts,
 * sent mail, webhook deliveries) and the admin actions a test needs that Moodle does in its UI,
 * PHP API or cron (site settings, activities, grades, attendance, completion).
 */
export async function controlRoutes(app: FastifyInstance, options: ControlRoutesOptions) {
  const { state, webhooks, requestCounts } = options;

  app.get('/__sandbox/requests', async () => Object.fromEntries(requestCounts));
  app.delete('/__sandbox/requests', async (_request, reply) => {
    requestCounts.clear();
    return reply.code(204).send();
  });

  app.get('/__sandbox/mail', async () => state.mail);

  app.get('/__sandbox/webhooks', async () => webhooks.list());
  app.post('/__sandbox/webhooks', async (request, reply) => {
    const parsed = webhookInput.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    const { timeoutMs, ...hook } = parsed.data;
    webhooks.register({ ...hook, timeoutMs: timeoutMs ?? (hook.format === 'local_webhooks' ? 0 : 10_000) });
    return reply.code(201).send({ url: hook.url, events: hook.events, format: hook.format, includeOther: hook.includeOther });
  });

  app.delete('/__sandbox/webhooks', async (_request, reply) => {
    webhooks.clear();
    return reply.code(204).send();
  });

  app.get('/__sandbox/settings', async () => state.settings);
  app.put('/__sandbox/settings', async (request, reply) => {
    const parsed = settingsPatch.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    Object.assign(state.settings, parsed.data);
    return state.settings;
  });

  app.post('/__sandbox/modules', async (request, reply) => {
    const parsed = moduleInput.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    if (!state.courses.some((course) => course.id === parsed.data.courseid)) return reply.code(404).send({ error: 'unknown course' });
    const { module, item } = addGradedModule(state, parsed.data);
    if (module.modname === 'attendance') seedAttendanceStatuses(state, module.instance);
    return reply.code(201).send({ cmid: module.id, instance: module.instance, gradeitemid: item.id });
  });

  app.post('/__sandbox/grades', async (request, reply) => {
    const parsed = gradesInput.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    const item = state.gradeItems.find((candidate) => candidate.cmid === parsed.data.cmid);
    if (!item) return reply.code(404).send({ error: 'unknown course module' });
    for (const grade of parsed.data.grades) setGrade(state, item.id, grade.userid, grade.grade);
    return reply.code(204).send();
  });

  app.post('/__sandbox/attendance/sessions', async (request, reply) => {
    const parsed = sessionInput.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    const result = addAttendanceSession(state, parsed.data);
    if ('error' in result) return reply.code(404).send(result);
    return reply.code(201).send(result);
  });

  /** A completed enrol_fee payment: `deliver_order` enrols the payer, firing user_enrolment_created with `other.enrol = 'fee'`. */
  app.post('/__sandbox/payments', async (request, reply) => {
    const parsed = z.object({ userid: z.number().int(), courseid: z.number().int() }).safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    const instance = state.enrolInstances.find((candidate) => candidate.courseid === parsed.data.courseid && candidate.enrol === 'fee' && candidate.status === 0);
    const payer = state.users.find((user) => user.id === parsed.data.userid && !user.deleted);
    if (!instance || !payer) return reply.code(404).send({ error: 'no enabled fee enrolment in that course, or unknown user' });
    const events: MoodleEvent[] = [];
    const wwwroot = `${request.protocol}://${request.host}`;
    const context: FunctionContext = { state, caller: payer, siteUrl: wwwroot, hasCapability: () => true, emit: (event) => events.push(event) };
    enrolUser(context, instance, payer.id, instance.roleid, 0, 0, 0);
    await webhooks.duringRequest(events, wwwroot);
    await webhooks.afterCommit(events, wwwroot);
    return reply.code(201).send({ events: events.map((event) => event.eventname) });
  });

  app.post('/__sandbox/completion/criteria', async (request, reply) => {
    const parsed = z.object({ courseid: z.number().int(), gradepass: z.number() }).safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    state.completionCriteria.set(parsed.data.courseid, { gradepass: parsed.data.gradepass });
    return reply.code(204).send();
  });

  /**
   * One run of the completion tasks. A criterion met is recorded in one run and aggregated into
   * the course completion only by a later one (the aggregation takes rows flagged before the run
   * started), so a completion needs two runs after the criterion is met (captures 114/115: the
   * daily then the regular task; issue 9).
   */
  app.post('/__sandbox/cron', async (_request, reply) => {
    const now = state.now();
    for (const [courseid, criterion] of state.completionCriteria) {
      const total = courseTotalItem(state, courseid);
      for (const user of state.users) {
        const key = `${courseid}:${user.id}`;
        const metAt = state.gradeCriterionMet.get(key);
        if (metAt !== undefined) {
          if (!state.courseCompletions.has(key)) state.courseCompletions.set(key, metAt);
          continue;
        }
        const grade = finalGrade(state, total, user.id);
        if (grade.value !== null && grade.value >= criterion.gradepass) state.gradeCriterionMet.set(key, now);
      }
    }
    return reply.code(204).send();
  });
}
