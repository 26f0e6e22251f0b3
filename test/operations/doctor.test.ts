import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { demoPlantedProblems, demoStudents } from '../../sandboxes/demo-data';
import { doctorCommand } from '../../src/commands/doctor';
import type { Check } from '../../src/operations/checks';
import { temporalAddress } from '../support/temporal';
import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

let stack: LifecycleStack;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startLifecycleStack();
  env = { TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: stack.env.namespace, MOODLE_URL: stack.moodleSandbox.url, ERPNEXT_URL: stack.erpnextSandbox.url };
}, 60_000);
afterAll(() => stack?.close());

const doctor = () => doctorCommand({ env, gatewayUrl: stack.gatewayUrl, print: () => undefined });
const find = (checks: Check[], name: string) => {
  const check = checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name}: ${checks.map((c) => c.name).join(', ')}`);
  return check;
};

describe('campus-bridge doctor on the demo data', () => {
  it('passes the access and provisioning checks and finds each planted data problem', async () => {
    const { checks, blockers } = await doctor();
    for (const name of ['reachable', 'search attributes', 'token', 'web-service functions', 'moodle/site:viewfullnames', 'mod/<module>:view', 'mod/attendance:takeattendances', 'student role', 'API key', 'read Student', 'write Student', 'create Assessment Result', 'create Student Attendance', 'webhook Student after_insert', 'webhook Program Enrollment on_submit']) {
      expect(find(checks, name)).toMatchObject({ status: 'ok' });
    }

    const placeholder = demoStudents.find((s) => s.name === demoPlantedProblems.noDeliverableEmail)!;
    expect(placeholder.hasRealEmail).toBe(false);
    expect(find(checks, 'deliverable emails')).toMatchObject({ status: 'warning', detail: expect.stringContaining(placeholder.name) });

    const caseTwin = demoStudents.find((s) => s.name === demoPlantedProblems.emailsDifferingInCase)!;
    expect(find(checks, 'duplicate emails')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/1 address\(es\) held twice/) });
    expect(find(checks, 'duplicate emails').detail).toContain(caseTwin.lastName.toLowerCase());

    const byEmail = find(checks, 'accounts matching by email');
    expect(byEmail.status).toBe('warning');
    expect(byEmail.detail).toContain(`(no idnumber) ~ ${demoPlantedProblems.accountWithoutIdnumber}`);
    expect(byEmail.detail).toMatch(new RegExp(`idnumber EDU-STU-2025-00417\\) ~ ${demoPlantedProblems.accountWithOtherIdnumber}`));

    expect(find(checks, 'one account per idnumber')).toMatchObject({ status: 'blocker', detail: expect.stringContaining(demoPlantedProblems.idnumberOnTwoAccounts) });
    expect(find(checks, 'course naming')).toMatchObject({ status: 'warning', detail: expect.stringContaining(`ERPNext ${demoPlantedProblems.courseNaming} ~ Moodle 'English 101'`) });
    // NUR110 is taught on the ward: reported, not a blocker.
    expect(find(checks, 'program BSc Nursing')).toMatchObject({ status: 'warning', detail: expect.stringContaining('NUR110') });
    expect(blockers).toBe(checks.filter((c) => c.status === 'blocker').length);
    expect(blockers).toBeGreaterThan(0);
  }, 60_000);

  it('probes the capabilities whose absence changes answers silently, and the service functions', async () => {
    const { settings } = stack.moodleSandbox.state;
    const service = stack.moodleSandbox.state.service.functions;
    const before = [...service];
    settings.revokedCapabilities = ['moodle/site:viewfullnames', 'mod/assign:view', 'mod/attendance:takeattendances'];
    stack.moodleSandbox.state.service.functions = service.filter((name) => name !== 'mod_attendance_get_sessions');
    try {
      const { checks } = await doctor();
      expect(find(checks, 'moodle/site:viewfullnames')).toMatchObject({ status: 'blocker', fix: expect.stringContaining('moodle/site:viewfullnames') });
      expect(find(checks, 'mod/<module>:view')).toMatchObject({ status: 'blocker', detail: expect.stringContaining('assign') });
      expect(find(checks, 'web-service functions')).toMatchObject({ status: 'blocker', detail: expect.stringContaining('mod_attendance_get_sessions') });
      // Outside the service the read is refused before any capability check: still a blocker.
      expect(find(checks, 'mod/attendance:takeattendances').status).toBe('blocker');
    } finally {
      settings.revokedCapabilities = [];
      stack.moodleSandbox.state.service.functions = before;
    }
  }, 60_000);

  it('reports webhooks that deliver elsewhere and a wrong ERPNext key', async () => {
    const moved = await doctorCommand({ env, gatewayUrl: 'http://gateway.example:3000', print: () => undefined });
    expect(find(moved.checks, 'webhook Student after_insert')).toMatchObject({ status: 'blocker', fix: expect.stringContaining('campus-bridge setup --gateway-url http://gateway.example:3000') });
    const wrongKey = await doctorCommand({ env: { ...env, ERPNEXT_API_SECRET: 'wrong' }, gatewayUrl: stack.gatewayUrl, print: () => undefined });
    expect(find(wrongKey.checks, 'API key')).toMatchObject({ status: 'blocker', fix: expect.stringContaining('ERPNEXT_API_KEY') });
  }, 60_000);

  it('prints a table, or JSON, and the CLI exits non-zero on a blocker', async () => {
    const lines: string[] = [];
    await doctorCommand({ env, gatewayUrl: stack.gatewayUrl, print: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/BLOCKER[\s\S]*one account per idnumber|one account per idnumber[\s\S]*BLOCKER/);
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', '--json', '--gateway-url', stack.gatewayUrl], { cwd: `${__dirname}/../..`, env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ blockers: expect.any(Number) });
  }, 90_000);
});
