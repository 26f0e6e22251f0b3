import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { demoStudents } from '../../sandboxes/demo-data';
import { IntegrationError } from '../../src/errors/integration-error';
import { watchedDoctypes } from '../../src/common/watched-doctypes';
import { frappeSignature } from '../../src/webhooks/erpnext-contract';
import { toApplicationFailure } from '../../activities/failure';
import { adminToken, eventually, startLifecycleStack, webhookSecret, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { freePort } from '../support/free-port';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { completedFeedRuns, feedRunsAfterNow, setWebhooksEnabled, startChangeFeed } from '../durability/feed-support';
import { familiesOf, parsePrometheusText, sumOf, type Sample } from './support/prometheus-text';

/**
 * Both metrics endpoints after real traffic: the gateway's (operator listener) and the worker
 * runtime's Prometheus endpoint, on the dev server with both sandboxes. Expected counts come from
 * the systems themselves: ERPNext's Webhook Request Log for deliveries, the workflow histories
 * for activity completions, Temporal visibility for parked runs.
 */
let stack: LifecycleStack;
let workerMetricsUrl: string;
let rateLimitedOnce = true;

beforeAll(async () => {
  const port = await freePort();
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  stack = await startLifecycleStack({
    runtimeMetricsAddress: `127.0.0.1:${port}`,
    activities: (real) => ({
      ...real,
      moodle: {
        ...real.moodle,
        // Moodle's first account look-up answers as an over-limit server does: one wait, then the real call.
        async moodleFindStudentAccounts(...args: Parameters<typeof real.moodle.moodleFindStudentAccounts>) {
          if (rateLimitedOnce) {
            rateLimitedOnce = false;
            throw toApplicationFailure(new IntegrationError('Moodle answered 429', { system: 'moodle', kind: 'rate-limited', code: 'HTTP_429', status: 429, retryAfterMs: 200 }), () => 1);
          }
          return real.moodle.moodleFindStudentAccounts(...args);
        },
      },
    }),
  });
}, 120_000);
afterAll(async () => stack?.close());

async function scrape(url: string, token?: string): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, samples: parsePrometheusText(text) };
}
const scrapeGateway = () => scrape(`${stack.operatorUrl}/metrics`, adminToken);

async function post(path: string, body: string, signature?: string): Promise<number> {
  const response = await fetch(`${stack.gatewayUrl}/webhooks/erpnext/${path}`, { method: 'POST', headers: signature ? { 'x-frappe-webhook-signature': signature } : {}, body: Buffer.from(body) });
  await response.arrayBuffer();
  return response.status;
}

/** A run's status; NONE before the webhook that starts it has landed. */
async function status(id: string): Promise<string> {
  try {
    return (await stack.env.client.workflow.getHandle(id).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NONE';
    throw err;
  }
}

/** Completed and failed activity events of every run in the namespace, by the queue they ran on. */
async function activityEventsByQueue(): Promise<Record<string, { completed: number; failed: number }>> {
  const byQueue: Record<string, { completed: number; failed: number }> = {};
  const { EventType } = temporal.api.enums.v1;
  for await (const execution of stack.env.client.workflow.list()) {
    const history = await stack.env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const queueOf = new Map<number, string>();
    for (const event of history.events ?? []) {
      const id = Number(event.eventId);
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) queueOf.set(id, event.activityTaskScheduledEventAttributes!.taskQueue!.name!);
      const completed = event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED ? event.activityTaskCompletedEventAttributes!.scheduledEventId : undefined;
      const failed = event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED ? event.activityTaskFailedEventAttributes!.scheduledEventId : undefined;
      const scheduled = completed ?? failed;
      if (scheduled === undefined || scheduled === null) continue;
      const queue = queueOf.get(Number(scheduled))!;
      byQueue[queue] ??= { completed: 0, failed: 0 };
      byQueue[queue][completed !== undefined ? 'completed' : 'failed']++;
    }
  }
  return byQueue;
}

describe('metrics after an onboarding, a parked conflict and refused webhooks', () => {
  it('the gateway counts every delivery ERPNext logged, each refusal by reason, and the parked run', async () => {
    // A new Student: ERPNext fires after_insert, onboarding writes the Moodle id back, which fires on_update.
    const created = await stack.erp.insert('Student', { first_name: 'Grace', last_name: 'Hopper', student_email_id: 'grace.hopper@students.cbu.example' });
    await eventually(() => status(`onboard:${created.name}`), (s) => s === 'COMPLETED', 30_000);
    expect(await status(`onboard:${created.name}`)).toBe('COMPLETED');

    // A demo student whose email a Moodle account with another idnumber holds: parked for an operator.
    const conflicting = demoStudents.find((s) => s.moodle === 'conflicting-idnumber')!;
    const body = `{"doctype": "Student", "event": "after_insert", "name": ${JSON.stringify(conflicting.name)}, "modified": "2026-12-01 08:55:13.393763"}`;
    expect(await post('student/after_insert', body, frappeSignature(body, webhookSecret))).toBe(202);

    // Refusals: unsigned, signed but not a Student body, and a trigger that does not exist.
    expect(await post('student/on_update', body)).toBe(401);
    const notAStudent = '{"doctype": "Student", "event": "on_update"}';
    expect(await post('student/on_update', notAStudent, frappeSignature(notAStudent, webhookSecret))).toBe(400);
    expect(await post('no-such-doctype/on_update', body, frappeSignature(body, webhookSecret))).toBe(404);

    const parked = await eventually(async () => (await stack.env.client.workflow.count('NeedsOperator = true AND ExecutionStatus = "Running"')).count, (n) => n === 1);
    expect(parked).toBe(1);
    // Let the on_update of the write-back land before counting what ERPNext sent.
    await eventually(async () => (await stack.erp.getList('Webhook Request Log', { fields: ['name'], limitPageLength: 0 })).length, (n) => n >= 2);
    await new Promise((r) => setTimeout(r, 500));

    const logs = await stack.erp.getList('Webhook Request Log', { fields: ['url', 'error'], limitPageLength: 0 });
    const sentByErpnext: Record<string, number> = {};
    for (const log of logs) {
      const trigger = /\/webhooks\/erpnext\/(.+)$/.exec(String(log.url))![1];
      sentByErpnext[trigger] = (sentByErpnext[trigger] ?? 0) + 1;
    }
    expect(logs.filter((log) => log.error)).toEqual([]);
    expect(sentByErpnext['student/after_insert']).toBeGreaterThanOrEqual(1);

    const { samples } = await scrapeGateway();
    const expected = { ...sentByErpnext };
    expected['student/after_insert'] = (expected['student/after_insert'] ?? 0) + 1; // the conflicting student's
    expected['student/on_update'] = (expected['student/on_update'] ?? 0) + 2; // unsigned and invalid
    expected.unknown = 1;
    const received = Object.fromEntries(samples.filter((s) => s.name === 'campus_bridge_webhooks_received_total').map((s) => [s.labels.trigger, s.value]));
    expect(received).toEqual(expected);
    expect(samples.filter((s) => s.name === 'campus_bridge_webhooks_rejected_total').map((s) => [s.labels.reason, s.value]).sort()).toEqual([
      ['invalid_body', 1],
      ['signature', 1],
      ['unknown_trigger', 1],
    ]);
    const accepted = logs.length + 1;
    expect(sumOf(samples, 'campus_bridge_webhook_start_duration_seconds_count', { source: 'erpnext' })).toBe(accepted);
    expect(sumOf(samples, 'campus_bridge_webhook_start_duration_seconds_bucket', { source: 'erpnext', le: '+Inf' })).toBe(accepted);
    expect(sumOf(samples, 'campus_bridge_parked_conflicts')).toBe(1);
  });

  it('the worker runtime serves the SDK metrics and ours: outcomes match the histories, one rate-limit wait', async () => {
    const events = await activityEventsByQueue();
    const { samples } = await eventually(
      () => scrape(workerMetricsUrl),
      ({ samples: s }) => ['moodle', 'erpnext'].every((q) => sumOf(s, 'campus_bridge_activity_outcomes_total', { system: q, outcome: 'ok' }) === (events[q]?.completed ?? 0)),
    );
    expect(events.moodle.completed).toBeGreaterThan(0);
    expect(events.erpnext.completed).toBeGreaterThan(0);
    for (const queue of ['moodle', 'erpnext']) {
      expect(sumOf(samples, 'campus_bridge_activity_outcomes_total', { system: queue, outcome: 'ok' })).toBe(events[queue].completed);
      expect(sumOf(samples, 'campus_bridge_activity_outcomes_total', { system: queue, outcome: 'failed' })).toBe(events[queue].failed);
    }
    expect(sumOf(samples, 'campus_bridge_activity_outcomes_total', { system: 'moodle', outcome: 'retry', error_class: 'RateLimited' })).toBe(1);
    expect(sumOf(samples, 'campus_bridge_rate_limit_waits_total', { system: 'moodle' })).toBe(1);
    expect(sumOf(samples, 'campus_bridge_rate_limit_waits_total', { system: 'erpnext' })).toBe(0);
    // The SDK's own worker metrics, on the same endpoint.
    expect(sumOf(samples, 'temporal_activity_execution_latency_count')).toBeGreaterThan(0);
    expect(sumOf(samples, 'temporal_workflow_completed_total')).toBeGreaterThan(0);
  });

  it('the change feed counts the run it caught and how fresh each DocType is', async () => {
    const schedule = await startChangeFeed(stack.env.client, { interval: '1s' });
    try {
      await feedRunsAfterNow(stack.env.client, 1);
      await setWebhooksEnabled(stack.erp, false);
      const lost = (await stack.erp.insert('Student', { first_name: 'Mary', last_name: 'Jackson', student_email_id: 'mary.jackson@students.cbu.example' })).name;
      const caughtIt = async () => (await completedFeedRuns(stack.env.client)).some((run) => run.report.caughtWorkflowIds.includes(`onboard:${lost}`));
      await eventually(caughtIt, Boolean, 60_000);
      expect(await caughtIt()).toBe(true);
    } finally {
      await schedule.delete();
      await setWebhooksEnabled(stack.erp, true);
    }
    const caught = (await completedFeedRuns(stack.env.client)).reduce((sum, run) => sum + run.report.caught, 0);
    const { samples } = await eventually(
      () => scrape(workerMetricsUrl),
      ({ samples: s }) => sumOf(s, 'campus_bridge_change_feed_caught_total') >= caught,
    );
    expect(caught).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'campus_bridge_change_feed_caught_total')).toBe(caught);
    const now = Date.now() / 1000;
    const freshness = samples.filter((s) => s.name === 'campus_bridge_change_feed_caught_up_timestamp_seconds');
    expect(freshness.map((s) => s.labels.doctype).sort()).toEqual([...watchedDoctypes].sort());
    for (const sample of freshness) expect(now - sample.value).toBeLessThan(120);
  });

  it('the Grafana dashboard queries only metrics these endpoints export', async () => {
    const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, '../../deploy/grafana/campus-bridge.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    const queried = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b(?:campus_bridge|temporal|http)_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))));
    const exported = new Set([...familiesOf((await scrape(workerMetricsUrl)).text), ...familiesOf((await scrapeGateway()).text)]);
    expect(queried.size).toBeGreaterThanOrEqual(10);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    // Every metric of ours is on the dashboard.
    const ours = [...exported].filter((name) => name.startsWith('campus_bridge_') && name !== 'campus_bridge_visibility_read_failures_total');
    expect(ours.filter((name) => !queried.has(name))).toEqual([]);
  });
});
