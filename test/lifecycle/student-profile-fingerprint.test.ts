import { erpnextWebhookDeliveries } from '../../src/webhooks/erpnext-contract';
import { studentProfileFields, studentProfileFingerprint, webhookProfileFingerprint } from '../../src/webhooks/student-profile';

/*
 * The fingerprint that lets the profile workflow skip a Student save Moodle cannot see (issue 9,
 * defect 8). The end-to-end test shows the whole path; these pin the edges.
 */
const fields = studentProfileFields(['custom_house']);
const read = { name: 'EDU-STU-2026-00001', first_name: 'Ada', last_name: 'Lovelace', student_email_id: 'ada@example.edu', custom_house: 3 };
// What the template renders for the same document: every field, `null` where the read leaves it out.
const body = { ...Object.fromEntries(fields.map((f) => [f, null])), ...read, custom_house: 3, custom_moodle_user_id: 17, event: 'on_update' };

describe('student profile fingerprint', () => {
  it('is the same for a REST read (empty fields left out) and the webhook body of one document', () => {
    expect(webhookProfileFingerprint(body, fields)).toBe(studentProfileFingerprint(read, fields));
  });

  it('changes with any mirrored field, custom ones included, and not with the Moodle link', () => {
    const base = studentProfileFingerprint(read, fields);
    expect(studentProfileFingerprint({ ...read, city: 'Bath' }, fields)).not.toBe(base);
    expect(studentProfileFingerprint({ ...read, custom_house: 4 }, fields)).not.toBe(base);
    expect(studentProfileFingerprint({ ...read, custom_moodle_user_id: 99, blood_group: 'O+' }, fields)).toBe(base);
  });

  it('is undefined for a body that lacks a mirrored field, so the workflow syncs rather than guesses', () => {
    const { custom_house: _dropped, ...handMade } = body;
    expect(webhookProfileFingerprint(handMade, fields)).toBeUndefined();
  });

  it('is what the Student on_update Webhook that setup writes carries, and only that one', () => {
    const deliveries = erpnextWebhookDeliveries('http://gateway.example', { studentCustomFields: ['custom_house'] });
    const onUpdate = deliveries.find((d) => d.webhook_doctype === 'Student' && d.webhook_docevent === 'on_update');
    for (const field of fields) expect(onUpdate?.webhook_json).toContain(`"${field}": {{ doc.${field} | tojson }}`);
    const afterInsert = deliveries.find((d) => d.webhook_doctype === 'Student' && d.webhook_docevent === 'after_insert');
    expect(afterInsert?.webhook_json).not.toContain('first_name');
  });
});
