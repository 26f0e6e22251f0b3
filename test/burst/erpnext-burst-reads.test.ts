import { ApplicationFailure } from '@temporalio/common';
import { createErpnextActivities } from '../../activities/erpnext';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';

/**
 * The reads of a Course Enrollment event (its document and its Program Enrollment) gathered in a
 * burst, against the ERPNext sandbox answering each request after a delay so the calls find it
 * busy: concurrent events share list requests and each gets exactly what it got alone, a deleted
 * Course Enrollment included; a Program Enrollment that is not there fails its own event alone,
 * with ERPNext's own answer.
 */
let sandbox: ErpnextSandbox;
beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'demo', faults: { latencyMs: 100 } });
});
afterAll(async () => sandbox?.close());

const mapping = mappingSchema.parse({});
const erp = () => createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
const requests = async (): Promise<Record<string, number>> => (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
const forget = () => fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });

interface Event {
  courseEnrollment: string;
  student: string;
  course: string;
  programEnrollment: string;
}

it("concurrent Course Enrollment events share their reads, and each gets what it got alone", async () => {
  const rows = await erp().getList<{ name: string; student: string; course: string; program_enrollment: string }>('Course Enrollment', {
    fields: ['name', 'student', 'course', 'program_enrollment'],
    filters: [['program_enrollment', 'is', 'set']],
    limitPageLength: 12,
  });
  expect(rows.length).toBe(12);
  const events: Event[] = rows.map((r) => ({ courseEnrollment: r.name, student: r.student, course: r.course, programEnrollment: r.program_enrollment }));
  // One event whose Course Enrollment is gone by the time it is read (an on_trash, a stale insert).
  events.push({ ...events[0]!, courseEnrollment: 'EDU-CE-GONE-0001' });
  const enrollments = await erp().getList<{ program: string }>('Program Enrollment', { fields: ['program'], filters: [['name', 'in', [...new Set(events.map((e) => e.programEnrollment))]]] });
  const programs = new Set(enrollments.map((pe) => pe.program));

  await forget();
  const alone = [];
  for (const event of events) alone.push(await createErpnextActivities(erp(), mapping).erpnextCourseEnrollmentChange(event));
  expect(alone.at(-1)).toMatchObject({ exists: false });
  expect(alone.filter((a) => a.exists)).toHaveLength(12);
  const aloneSent = await requests();
  expect((aloneSent['GET Course Enrollment'] ?? 0) + (aloneSent['GET Program Enrollment'] ?? 0)).toBe(2 * events.length);

  await forget();
  const activities = createErpnextActivities(erp(), mapping);
  const together = await Promise.all(events.map((event) => activities.erpnextCourseEnrollmentChange(event)));
  expect(together).toEqual(alone);
  // Per kind: the first read alone, one more that arrived while it was in flight, then every other
  // waiting one in a list. The Programs' course lists are read once each, the waiting events sharing the read.
  const sent = await requests();
  expect(sent['GET Course Enrollment']).toBeLessThanOrEqual(3);
  expect(sent['GET Program Enrollment']).toBeLessThanOrEqual(3);
  expect(sent['GET Program']).toBe(programs.size);
});

it('a Program Enrollment that is not there fails only its own event, with the failure it got alone', async () => {
  const [row] = await erp().getList<{ name: string; student: string; course: string; program_enrollment: string }>('Course Enrollment', {
    fields: ['name', 'student', 'course', 'program_enrollment'],
    filters: [['program_enrollment', 'is', 'set']],
    limitPageLength: 1,
  });
  const good: Event = { courseEnrollment: row!.name, student: row!.student, course: row!.course, programEnrollment: row!.program_enrollment };
  // Gone, and its Program Enrollment named by the webhook only: there is none.
  const orphan: Event = { ...good, courseEnrollment: 'EDU-CE-GONE-0002', programEnrollment: 'EDU-ENR-NONE-0001' };
  const aloneError = await createErpnextActivities(erp(), mapping).erpnextCourseEnrollmentChange(orphan).catch((err: unknown) => err);
  // The activity's failure, as the workflow would see it (ERPNext's 404, not retried).
  expect(aloneError).toBeInstanceOf(ApplicationFailure);
  expect(aloneError).toMatchObject({ nonRetryable: true });

  const activities = createErpnextActivities(erp(), mapping);
  const outcomes = await Promise.allSettled([good, orphan, good, orphan, good].map((event) => activities.erpnextCourseEnrollmentChange(event)));
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
    expect(outcome.reason).toBeInstanceOf(ApplicationFailure);
    expect(outcome.reason).toMatchObject({ message: (aloneError as ApplicationFailure).message, type: (aloneError as ApplicationFailure).type, nonRetryable: true });
  }
});
