import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../src/config/env';
import { mappingSchema } from '../../src/config/mapping-file';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { buildGateway } from '../../src/gateway/server';
import { frappeSignatureHeader, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import type { ScheduleHandle } from '@temporalio/client';
import { feedRunsAfterNow, startChangeFeed } from '../durability/feed-support';
import { deliveredBody, loggedSignature } from '../durability/logged-delivery';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { cohortWorkflowIds, describeState, expectedState, untilExact, type Cohort } from './chaos-state';
import { describeCounts, untilClosed } from './run-statuses';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * Replay attacks and a webhook secret rotation while admissions, enrolments and withdrawals flow.
 * The attacker is any desk user who can read Frappe's Webhook Request Log: they re-post signed
 * bodies ERPNext really sent, to the route of the twin event (on_submit → on_cancel, Student
 * after_insert → on_update, Course Enrollment after_insert → on_trash), or to their own route
 * after a newer event (a withdrawn student's on_submit and Course Enrollment after_insert). At
 * the same time the secret is rotated in the order `setup --rotate-secret` prints, the gateway
 * restarting twice on its port, and the ERPNext sandbox retrying as Frappe does (1 s, then 4 s),
 * signing each try with the secret its Webhook holds then.
 *
 * Judged by: every replay refused (400, or 401 once its secret is retired) or a no-op (no new
 * run, the same end state); no genuine delivery refused; every genuine event's run started and
 * completed with the right outcome; both systems' end state exact. The change feed runs, as in a
 * deployment: on a loaded machine a genuine delivery can meet three 503s (Temporal slower than
 * the gateway's 3 s deadline) and be dropped by Frappe, and the feed is what starts its run.
 */
const rotatedSecret = 'lifecycle-webhook-secret-rotated-0123456789';

let stack: LifecycleStack;
let port: number;
let gateway: FastifyInstance;
let feed: ScheduleHandle;
const rows: ChaosRow[] = [];

beforeAll(async () => {
  // Frappe's real retry timing: a restart's gap must be bridged the way a real site bridges it.
  stack = await startLifecycleStack({ webhookRetryDelayScale: 1 });
  port = Number(new URL(stack.gatewayUrl).port);
  gateway = stack.gateway;
  feed = await startChangeFeed(stack.env.client, { interval: '10s' });
  // The first run only marks where the feed starts.
  const firstRun = feedRunsAfterNow(stack.env.client, 1, 60_000);
  await feed.trigger();
  await firstRun;
}, 180_000);
afterAll(async () => {
  printChaosTable(rows);
  await feed?.delete();
  if (gateway !== stack?.gateway) await gateway?.close();
  await stack?.close();
});

/**
 * The gateway's public listener as a deployment restarts it: same port, the secrets of that step.
 * The new one is built before the old one stops, so the port is closed only between the two: a
 * gap longer than Frappe's three tries (about 5 s) loses the delivery, which the change feed catches.
 */
async function restartGateway(secrets: string[]): Promise<void> {
  const config = loadConfig(
    'gateway',
    {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      MOODLE_URL: stack.moodleSandbox.url,
      ERPNEXT_URL: stack.erpnextSandbox.url,
      ADMIN_TOKEN: adminToken,
      ERPNEXT_WEBHOOK_SECRET: secrets[0],
      ...(secrets[1] ? { ERPNEXT_WEBHOOK_SECRET_PREVIOUS: secrets[1] } : {}),
      LOG_LEVEL: 'silent',
    },
    { developmentDefaults: true },
  );
  const { publicApp, operatorApp } = await buildGateway({ config, temporal: stack.temporal, mapping: mappingSchema.parse({}), logger: pino({ level: 'silent' }) });
  await operatorApp.close();
  await publicApp.ready();
  await gateway.close();
  await publicApp.listen({ host: '127.0.0.1', port });
  gateway = publicApp;
}

interface LoggedDelivery {
  body: string;
  signature: string;
}

/** ERPNext's answered delivery of `event` for `docname`, as its Webhook Request Log shows it (waits for the background job). */
async function loggedDelivery(docname: string, event: string): Promise<LoggedDelivery> {
  const read = async () => {
    const logs = await stack.erp.getList('Webhook Request Log', { fields: ['url', 'data', 'headers', 'response'], filters: [['reference_document', '=', docname]], limitPageLength: 100 });
    return logs.find((row) => String(row.url).endsWith(`/${event}`) && row.response !== null);
  };
  const row = await eventually(read, (found) => found !== undefined, 15_000);
  if (!row) throw new Error(`no answered ${event} delivery for ${docname}`);
  return { body: await deliveredBody(stack.erp, String(row.url), String(row.data)), signature: loggedSignature(String(row.headers)) };
}

/** One replay: what was re-posted where, the answer it should get and the one it got. */
interface Replay {
  attack: string;
  expected: string;
  observed: string;
  /** For a replay to its own route: the run its genuine delivery started, which must stay the latest. */
  run?: { workflowId: string; runId: string | undefined };
}

/** The latest run of a workflow id (undefined: none), to tell a replay that started nothing. */
const latestRun = (workflowId: string) =>
  stack.env.client.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => d.runId, () => undefined);

/**
 * Re-posts a logged delivery to `route`. Signed with a secret the gateway no longer holds: 401.
 * Posted to the twin event's route: 400. To its own route (`sameRunAs`: the run its genuine
 * delivery started): a no-op, that run still the latest; the answer is 202, or 503 when Temporal
 * did not answer the start within the gateway's deadline (a loaded machine), which is why the
 * run is looked at again once everything has closed.
 */
async function replay(attack: string, delivery: LoggedDelivery, route: string, accepted: string[], sameRunAs?: string): Promise<Replay> {
  const before = sameRunAs ? await latestRun(sameRunAs) : undefined;
  const response = await fetch(`${stack.gatewayUrl}/webhooks/erpnext/${route}`, { method: 'POST', headers: { [frappeSignatureHeader]: delivery.signature }, body: Buffer.from(delivery.body) });
  await response.arrayBuffer();
  const signed = accepted.some((secret) => verifyFrappeSignature(Buffer.from(delivery.body), delivery.signature, secret));
  const refusal = !signed ? '401' : sameRunAs ? 'no-op' : '400';
  const answer = sameRunAs && (response.status === 202 || response.status === 503) ? 'no-op' : String(response.status);
  const after = sameRunAs ? await latestRun(sameRunAs) : undefined;
  const newRun = sameRunAs !== undefined && (before === undefined || after !== before);
  return {
    attack,
    expected: `${refusal}, no new run`,
    observed: `${answer}${newRun ? `, new run of ${sameRunAs}` : ', no new run'}`,
    ...(sameRunAs ? { run: { workflowId: sameRunAs, runId: before } } : {}),
  };
}

const programNames = ['BSc Computer Science', 'BA Business', 'BSc Nursing'];

it('refuses every replayed body and loses no event while the webhook secret is rotated under load', async () => {
  const size = { admitted: scaled(10, 200), enrolled: scaled(5, 100), withdrawn: scaled(2, 40) };
  const cohort: Cohort = { students: [], programs: new Map(), enrollments: new Map(), withdrawn: new Set() };
  const replays: Replay[] = [];
  const withdrawals: string[] = [];
  /** When each rotation step ended, to set a refused delivery against. */
  const rotationSteps: string[] = [];
  // The secrets the gateway accepts, current first, as each rotation step leaves them.
  let accepted = [webhookSecret];
  const withdrawEvery = Math.floor(size.admitted / size.withdrawn);
  const phase = (step: number) => Math.floor((size.admitted * step) / 5);

  for (let i = 0; i < size.admitted; i++) {
    const { name: student } = await stack.erp.insert('Student', { first_name: `Replay${i}`, last_name: 'Chaos', student_email_id: `replay${i}.chaos@students.cbu.example` });
    cohort.students.push(student);
    if (i < size.enrolled) {
      const program = programNames[i % programNames.length];
      const pe = await submitProgramEnrollment(stack.erp, student, program);
      cohort.programs.set(student, program);
      cohort.enrollments.set(student, pe.name);
    }
    // Withdrawals spread over the whole run, so some fall in each rotation step.
    if (i % withdrawEvery === 2 && withdrawals.length < size.withdrawn) {
      const leaving = cohort.students[withdrawals.length];
      await stack.erp.cancel('Program Enrollment', cohort.enrollments.get(leaving)!);
      cohort.withdrawn.add(leaving);
      const cancelled = await stack.erp.getDoc('Program Enrollment', cohort.enrollments.get(leaving)!);
      withdrawals.push(`withdraw:${cancelled.name}@${String(cancelled.modified)}`);
    }

    // The rotation, in the order setup --rotate-secret prints it.
    if (i === phase(1)) {
      await restartGateway([rotatedSecret, webhookSecret]);
      accepted = [rotatedSecret, webhookSecret];
      rotationSteps.push(`${new Date().toISOString()} gateway accepts both secrets`);
    }
    if (i === phase(2)) {
      await provisionErpnext(stack.erp, { gatewayUrl: stack.gatewayUrl, secret: rotatedSecret, rotateSecret: true });
      rotationSteps.push(`${new Date().toISOString()} Webhooks sign with the new secret`);
    }
    if (i === phase(3)) {
      await stack.erpnextSandbox.state.webhooks.idle();
      rotationSteps.push(`${new Date().toISOString()} deliveries idle`);
      await restartGateway([rotatedSecret]);
      accepted = [rotatedSecret];
      rotationSteps.push(`${new Date().toISOString()} gateway accepts only the new secret`);
    }

    // The attacks, each phase against documents delivered by then (signed with either secret).
    if (i % 4 === 3) {
      const target = cohort.students[i - 3];
      replays.push(await replay('Student after_insert → on_update', await loggedDelivery(target, 'after_insert'), 'student/on_update', accepted));
      const enrolled = [...cohort.enrollments.keys()].find((student) => !cohort.withdrawn.has(student));
      if (enrolled !== undefined) {
        const pe = cohort.enrollments.get(enrolled)!;
        replays.push(await replay('on_submit → on_cancel', await loggedDelivery(pe, 'on_submit'), 'program-enrollment/on_cancel', accepted));
        const [ce] = await stack.erp.getList<{ name: string }>('Course Enrollment', { fields: ['name'], filters: [['program_enrollment', '=', pe]], limitPageLength: 1 });
        replays.push(await replay('Course Enrollment after_insert → on_trash', await loggedDelivery(ce.name, 'after_insert'), 'course-enrollment/on_trash', accepted));
      }
      const gone = [...cohort.withdrawn].at(-1);
      if (gone !== undefined) {
        const goneEnrollment = cohort.enrollments.get(gone)!;
        replays.push(await replay('old on_submit after on_cancel', await loggedDelivery(goneEnrollment, 'on_submit'), 'program-enrollment/on_submit', accepted, `enroll:${goneEnrollment}`));
        replays.push(await replay('old Student after_insert again', await loggedDelivery(gone, 'after_insert'), 'student/after_insert', accepted, `onboard:${gone}`));
      }
    }
  }
  await stack.erpnextSandbox.state.webhooks.idle();

  const genuine = [...cohortWorkflowIds(cohort), ...withdrawals];
  const statuses = await untilClosed(stack.env.client, genuine, scaled(60_000, 600_000));
  const outcomes = await Promise.all(withdrawals.map((id) => stack.env.client.workflow.getHandle(id).result().then((r: { outcome: string }) => r.outcome, () => 'failed')));
  // A withdrawal that finds no Moodle account yet has told the student's running onboarding, which
  // then enrols nothing the cancelled enrollment granted (workflows/withdraw-program.ts): done too,
  // as the exact end state shows. Any other outcome (not-cancelled, failed) is wrong.
  const withdrawnByRun = outcomes.filter((o) => o === 'withdrawn').length;
  const handedToOnboarding = outcomes.filter((o) => o === 'no-moodle-account').length;
  const withdrawn = withdrawnByRun + handedToOnboarding;
  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, 15_000);

  // No genuine delivery was refused: every try ERPNext made is in its log, none answered 401. The
  // error names the status and reason (`Error: 401 Unauthorized for url: …`); it also holds the
  // URL, whose port may hold the digits 401, so a 503 during a restart must not count as one.
  const logs = await stack.erp.getList('Webhook Request Log', { fields: ['reference_document', 'url', 'response', 'error', 'headers', 'data', 'creation'], limitPageLength: 0 });
  const refusedLogs = logs.filter((log) => /\b401 Unauthorized\b/.test(String(log.error ?? '')));
  const refusedGenuine = refusedLogs.length;
  // A document's event none of whose tries was answered: Frappe dropped it.
  const tried = new Set(logs.map((log) => `${String(log.reference_document)} ${String(log.url)}`));
  const answered = new Set(logs.filter((log) => log.response !== null).map((log) => `${String(log.reference_document)} ${String(log.url)}`));
  const lostGenuine = [...tried].filter((event) => !answered.has(event));
  const bodies = await Promise.all(logs.map((log) => deliveredBody(stack.erp, String(log.url), String(log.data))));
  const signedWith = (secret: string) => logs.filter((log, i) => verifyFrappeSignature(Buffer.from(bodies[i]), loggedSignature(String(log.headers)), secret)).length;
  // A replay answered 503 may still have reached Temporal: its run must still be the genuine one.
  for (const r of replays) if (r.run && (await latestRun(r.run.workflowId)) !== r.run.runId) r.observed = `${r.observed}; later a new run of ${r.run.workflowId}`;
  const wrong = replays.filter((r) => r.expected !== r.observed);
  const refusals = (status: string) => replays.filter((r) => r.observed.startsWith(status)).length;

  rows.push({
    scenario: `Replay attacks and secret rotation under load (${withdrawnByRun} withdrawals by their run, ${handedToOnboarding} by the onboarding it told)`,
    faults:
      `${size.admitted} admitted, ${size.enrolled} enrolled, ${size.withdrawn} withdrawn; secret rotated in 4 steps, gateway restarted twice; ` +
      `${logs.length} deliveries (${signedWith(webhookSecret)} old-signed, ${signedWith(rotatedSecret)} new-signed); ` +
      `${replays.length} replays (${refusals('400')} cross-route 400, ${refusals('401')} retired secret 401, ${refusals('no-op')} no-ops on their own route)`,
    expected: `0 wrong outcomes; 0 genuine deliveries refused, 0 lost; ${genuine.length} COMPLETED, ${size.withdrawn} withdrawn or handed to onboarding; ${describeState(expected)}`,
    observed: `${wrong.length} wrong outcomes; ${refusedGenuine} genuine deliveries refused, ${lostGenuine.length} lost; ${describeCounts(statuses)}, ${withdrawn} withdrawn or handed to onboarding; ${describeState(observed, expected)}`,
  });
  expect(wrong).toEqual([]);
  // A refused delivery is named with when it was logged and what it was; the expectation then
  // holds the rotation's steps, so a failure prints the two side by side.
  const refused = refusedLogs.map((log) => `${String(log.creation)} ${String(log.reference_document)} ${String(log.url)}: ${String(log.error)}`);
  expect({ refused, lostGenuine, statuses, withdrawn }).toEqual({ refused: refused.length > 0 ? rotationSteps : [], lostGenuine: [], statuses: { COMPLETED: genuine.length }, withdrawn: size.withdrawn });
  // Both secrets signed genuine deliveries, so the rotation happened under load.
  expect(signedWith(webhookSecret)).toBeGreaterThan(0);
  expect(signedWith(rotatedSecret)).toBeGreaterThan(0);
  // Every kind of attack was tried.
  expect(new Set(replays.map((r) => r.attack)).size).toBe(5);
  expect(observed).toEqual(expected);
}, scaled(240_000, 1_500_000));
