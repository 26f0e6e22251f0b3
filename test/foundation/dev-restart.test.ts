import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startErpnextSandbox } from '../../sandboxes/erpnext';
import { createErpnextClient } from '../../src/erpnext/client';
import { createCustomFields } from '../../src/erpnext/resources/custom-fields';
import { moodleUserIdField } from '../../src/erpnext/resources/students';
import { startMoodleSandbox } from '../../sandboxes/moodle';

// Issue 9 defect 6: the local stack kept Temporal's history but re-seeded both sandboxes, so the
// next Student after a restart got a name an earlier run had already onboarded.
const erpAuth = { authorization: 'token dev-key:dev-secret', 'content-type': 'application/json' };

async function insertStudent(url: string, n: number): Promise<string> {
  const response = await fetch(`${url}/api/resource/Student`, {
    method: 'POST',
    headers: erpAuth,
    body: JSON.stringify({ first_name: `Restart${n}`, last_name: 'Student', student_email_id: `restart${n}@example.test` }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { name: string } }).data.name;
}

async function moodleCall(url: string, wsfunction: string, params: Record<string, string>): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction, moodlewsrestformat: 'json', ...params });
  const response = await fetch(`${url}/webservice/rest/server.php`, { method: 'POST', body });
  return response.json();
}

describe('sandboxes kept in state files across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dev-restart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps ERPNext documents and continues the Student naming series', async () => {
    const stateFile = path.join(dir, 'erpnext-sandbox.json');
    const first = await startErpnextSandbox({ seed: 'demo', stateFile });
    const demoCount = first.state.site.all('Student').length;
    const before = await insertStudent(first.url, 1);
    await first.close();

    const second = await startErpnextSandbox({ seed: 'demo', stateFile });
    try {
      const names = second.state.site.all('Student').map((s) => String(s.name));
      expect(names).toContain(before);
      expect(names).toHaveLength(demoCount + 1);
      const after = await insertStudent(second.url, 2);
      expect(after).not.toBe(before);
      expect(names).not.toContain(after);
      // The series continues: the number after the one the first run used.
      expect(Number(after.split('-').pop())).toBe(Number(before.split('-').pop()) + 1);
    } finally {
      await second.close();
    }
  });

  it("keeps the columns setup's Custom Field added: listed, saved and shown after the restart", async () => {
    const stateFile = path.join(dir, 'erpnext-sandbox.json');
    const first = await startErpnextSandbox({ seed: 'demo', stateFile });
    const client = (url: string) => createErpnextClient({ url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    await createCustomFields(client(first.url)).insert({ ...moodleUserIdField });
    const linked = await insertStudent(first.url, 1);
    await client(first.url).update('Student', linked, { [moodleUserIdField.fieldname]: 41 });
    await first.close();

    const second = await startErpnextSandbox({ seed: 'demo', stateFile });
    try {
      const erp = client(second.url);
      // A list naming the column (the change feed's read): before the fix, 417 "Field not permitted in query".
      const rows = await erp.getList('Student', { fields: ['name', moodleUserIdField.fieldname], filters: [['name', '=', linked]] });
      expect(rows).toEqual([{ name: linked, [moodleUserIdField.fieldname]: 41 }]);
      // A save of it (onboarding's write-back): before the fix, dropped without a word.
      const next = await insertStudent(second.url, 2);
      await erp.update('Student', next, { [moodleUserIdField.fieldname]: 42 });
      expect((await erp.getDoc('Student', next))[moodleUserIdField.fieldname]).toBe(42);
    } finally {
      await second.close();
    }
  });

  it('keeps Moodle users and their id sequence', async () => {
    const stateFile = path.join(dir, 'moodle-sandbox.json');
    const first = await startMoodleSandbox({ seed: 'demo', stateFile });
    const created = (await moodleCall(first.url, 'core_user_create_users', {
      'users[0][username]': 'restart1',
      'users[0][firstname]': 'Restart',
      'users[0][lastname]': 'One',
      'users[0][email]': 'restart1@example.test',
      'users[0][createpassword]': '1',
    })) as { id: number }[];
    expect(created).toHaveLength(1);
    await first.close();

    const second = await startMoodleSandbox({ seed: 'demo', stateFile });
    try {
      const found = await moodleCall(second.url, 'core_user_get_users_by_field', { field: 'username', 'values[0]': 'restart1' });
      expect(found).toEqual([expect.objectContaining({ id: created[0].id, username: 'restart1' })]);
      const next = (await moodleCall(second.url, 'core_user_create_users', {
        'users[0][username]': 'restart2',
        'users[0][firstname]': 'Restart',
        'users[0][lastname]': 'Two',
        'users[0][email]': 'restart2@example.test',
        'users[0][createpassword]': '1',
      })) as { id: number }[];
      expect(next[0].id).toBe(created[0].id + 1);
    } finally {
      await second.close();
    }
  });

  it('starts from the seed when no state file exists yet', async () => {
    const stateFile = path.join(dir, 'nested', 'erpnext-sandbox.json');
    const seeded = await startErpnextSandbox({ seed: 'demo', stateFile });
    const plain = await startErpnextSandbox({ seed: 'demo' });
    try {
      expect(seeded.state.site.all('Student').map((s) => s.name)).toEqual(plain.state.site.all('Student').map((s) => s.name));
    } finally {
      await seeded.close();
      await plain.close();
    }
  });
});
