import { Writable } from 'node:stream';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createLogger } from '../../src/logging/logger';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

/**
 * The JSON lines of one onboarding, gateway and workers, captured from the process's one logger at
 * debug (so the SDK's per-activity lines are written too): each line about the student's run or
 * webhook names the workflow and the Student.
 */
const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
let stack: LifecycleStack;

beforeAll(async () => {
  stack = await startLifecycleStack({ logger: createLogger({ level: 'debug', destination: capture }) });
}, 120_000);
afterAll(async () => stack?.close());

async function status(id: string): Promise<string> {
  try {
    return (await stack.env.client.workflow.getHandle(id).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NONE';
    throw err;
  }
}

test('every activity line of an onboarding and every webhook line for the student carry workflowId and studentId', async () => {
  const student = (await stack.erp.insert('Student', { first_name: 'Dorothy', last_name: 'Vaughan', student_email_id: 'dorothy.vaughan@students.cbu.example' })).name;
  const workflowId = `onboard:${student}`;
  await eventually(() => status(workflowId), (s) => s === 'COMPLETED', 30_000);
  expect(await status(workflowId)).toBe('COMPLETED');

  // Activity lines: the SDK's own (completed, failed) and ours through Context.log. "Activity
  // started" is written before any interceptor runs (src/logging/activity-student.ts).
  const activityLines = lines.filter((line) => line.workflowId === workflowId && typeof line.activityType === 'string' && line.msg !== 'Activity started');
  const completed = activityLines.filter((line) => line.msg === 'Activity completed');
  expect(completed.length).toBeGreaterThanOrEqual(3);
  expect(activityLines.filter((line) => line.studentId !== student)).toEqual([]);

  // Gateway lines of the delivery that started it (one request id): the route's and Fastify's
  // "request completed". "incoming request" is written before the body is read, so it has the URL only.
  const accepted = lines.find((line) => line.msg === 'ERPNext webhook accepted' && line.workflowId === workflowId);
  expect(accepted).toMatchObject({ workflowId, studentId: student, docName: student, doctype: 'Student' });
  const requestLines = lines.filter((line) => line.reqId === accepted!.reqId && line.msg !== 'incoming request');
  expect(requestLines.map((line) => line.msg)).toEqual(expect.arrayContaining(['ERPNext webhook accepted', 'request completed']));
  expect(requestLines.filter((line) => line.studentId !== student || line.docName !== student)).toEqual([]);
});
