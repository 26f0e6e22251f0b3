import { MockActivityEnvironment } from '@temporalio/testing';
import { createErpnextActivities } from '../../activities/erpnext';
import { loadMapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';

/**
 * Issue 9, defect 2: Students sharing an email are found even when the email holds `_` or `%`,
 * LIKE's wildcards. The sandbox doubles backslashes in `like` values as Frappe v15 does, so an
 * escaped pattern (`\_`) looks for a literal backslash and found nothing before the fix.
 */
let sandbox: ErpnextSandbox;
let erp: ErpnextClient;
let sharingEmail: (input: { studentId: string; email: string }) => Promise<string[]>;

beforeAll(async () => {
  sandbox = await startErpnextSandbox({ seed: 'empty' });
  erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const activities = createErpnextActivities(erp, loadMapping(undefined));
  sharingEmail = (input) => new MockActivityEnvironment().run(activities.erpnextStudentsSharingEmail, input);
});
afterAll(() => sandbox.close());

const admit = async (first_name: string, student_email_id: string) => (await erp.insert('Student', { first_name, student_email_id })).name;

it('finds the Student holding an email with an underscore, and not the one the wildcard over-matches', async () => {
  const holder = await admit('Ana', 'ana_belen@example.com');
  const overMatch = await admit('Anax', 'anaxbelen@example.com');
  const found = await sharingEmail({ studentId: 'EDU-STU-2026-99999', email: 'Ana_Belen@Example.com' });
  expect(found).toEqual([holder]);
  expect(found).not.toContain(overMatch);
});

it('finds the Student holding an email with a percent sign, and not the ones it over-matches', async () => {
  const holder = await admit('Per', 'per%cent@example.com');
  const overMatch = await admit('Perx', 'perxxcent@example.com');
  const found = await sharingEmail({ studentId: 'EDU-STU-2026-99999', email: 'PER%CENT@example.com' });
  expect(found).toEqual([holder]);
  expect(found).not.toContain(overMatch);
});

it('leaves the Student itself out', async () => {
  const holder = await admit('Solo', 'solo_one@example.com');
  expect(await sharingEmail({ studentId: holder, email: 'solo_one@example.com' })).toEqual([]);
});
