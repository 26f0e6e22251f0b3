import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mappingSchema, parseMapping } from '../../src/config/mapping-file';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { studentSchema } from '../../src/erpnext/resources/students';
import { desiredMoodleUser, isPlaceholderEmail, moodleUsername, newMoodleUser } from '../../src/mapping/moodle-user';
import { hasChanges, moodleProfileUpdate, profileChanges } from '../../src/mapping/profile-changes';
import { programCourseIdnumbers } from '../../src/mapping/program-courses';

// As the client hands it over: Frappe's nulls already dropped.
const student = studentSchema.parse({
  name: 'EDU-STU-2026-00007',
  first_name: 'Mia',
  middle_name: 'Rose',
  last_name: 'Wilson',
  student_email_id: ' Mia.Wilson7@Students.cbu.example ',
  student_mobile_number: '+44 7700 900142',
  address_line_1: '93 Church Lane',
  city: 'Leeds',
  custom_student_type: 'Full-time',
});

describe('Student → Moodle user', () => {
  it('maps names, contact, address and custom fields; idnumber is the Student name', () => {
    const mapping = mappingSchema.parse({ customFields: { custom_student_type: 'studenttype' } });
    expect(desiredMoodleUser(student, mapping)).toEqual({
      idnumber: 'EDU-STU-2026-00007',
      username: 'edu-stu-2026-00007',
      firstname: 'Mia',
      lastname: 'Rose Wilson',
      email: 'Mia.Wilson7@Students.cbu.example',
      phone1: '+44 7700 900142',
      address: '93 Church Lane',
      city: 'Leeds',
      customfields: { studenttype: 'Full-time' },
    });
  });

  it('builds usernames Moodle accepts: lower-case, only a-z 0-9 . - _ @', () => {
    expect(moodleUsername(student, 'email')).toBe('mia.wilson7@students.cbu.example');
    expect(moodleUsername({ ...student, name: 'EDU STU/2026#7' }, 'studentId')).toBe('edu-stu-2026-7');
  });

  it('never leaves lastname blank (Moodle requires it)', () => {
    expect(desiredMoodleUser({ ...student, middle_name: '  ', last_name: undefined }, mappingSchema.parse({})).lastname).toBe('-');
  });

  it('becomes a core_user_create_users entry with a mailed, generated password and the configured auth', () => {
    const desired = desiredMoodleUser(student, mappingSchema.parse({ customFields: { custom_student_type: 'studenttype' } }));
    expect(newMoodleUser(desired, 'oauth2')).toEqual({ ...desired, createpassword: true, auth: 'oauth2', customfields: [{ type: 'studenttype', value: 'Full-time' }] });
  });

  it('recognises placeholder addresses on the reserved .invalid domain', () => {
    expect(isPlaceholderEmail('edu-stu-2026-00050@no-email.cbu.invalid')).toBe(true);
    expect(isPlaceholderEmail('mia@students.cbu.example')).toBe(false);
  });
});

describe('profile changes', () => {
  const desired = desiredMoodleUser(student, mappingSchema.parse({ customFields: { custom_student_type: 'studenttype' } }));
  const current = {
    firstname: 'Mia',
    lastname: 'Rose Wilson',
    email: 'Mia.Wilson7@Students.cbu.example',
    phone1: '+44 7700 900142',
    address: '93 Church Lane',
    city: 'Leeds',
    customfields: { studenttype: 'Full-time' },
  };

  it('finds nothing to push when Moodle already matches', () => {
    expect(hasChanges(profileChanges(desired, current, null))).toBe(false);
  });

  it('lists only the fields that differ', () => {
    const changes = profileChanges(desired, { ...current, city: 'York', firstname: 'Amy' }, desired);
    expect(changes).toEqual({ fields: { city: 'Leeds', firstname: 'Mia' }, customfields: {} });
  });

  it('judges fields Moodle does not show against the baseline, or pushes them without one', () => {
    // Moodle leaves out phones and address for a token that may not see them.
    const shown = { ...current, phone1: undefined, address: undefined, customfields: {} };
    expect(profileChanges(desired, shown, desired)).toEqual({ fields: {}, customfields: {} });
    expect(profileChanges(desired, shown, { ...desired, phone1: '+44 7700 900000' }).fields).toEqual({ phone1: '+44 7700 900142' });
    expect(profileChanges(desired, shown, null)).toEqual({
      fields: { phone1: '+44 7700 900142', address: '93 Church Lane' },
      customfields: { studenttype: 'Full-time' },
    });
    expect(profileChanges({ ...desired, phone1: '' }, shown, null).fields).toEqual({ address: '93 Church Lane' });
  });

  it('becomes one core_user_update_users entry, custom fields as type/value pairs and only when some changed', () => {
    const changes = profileChanges(desired, { ...current, city: 'York', customfields: {} }, null);
    expect(moodleProfileUpdate(42, changes)).toEqual({ id: 42, city: 'Leeds', customfields: [{ type: 'studenttype', value: 'Full-time' }] });
    expect(moodleProfileUpdate(42, profileChanges(desired, { ...current, city: 'York' }, null))).toEqual({ id: 42, city: 'Leeds' });
  });

  it('never pushes a placeholder email', () => {
    const placeholder = { ...desired, email: 'edu-stu-2026-00050@no-email.cbu.invalid' };
    expect(profileChanges(placeholder, current, null).fields).toEqual({});
  });
});

describe('program courses', () => {
  it("uses the Program's courses, renamed where the mapping says", () => {
    const mapping = mappingSchema.parse({ courses: { CS101: 'CS101-2026' } });
    expect(programCourseIdnumbers('BSc Computer Science', ['CS101', 'CS102', 'CS101'], mapping)).toEqual(['CS101-2026', 'CS102']);
  });

  it("lets the mapping replace a Program's course list", () => {
    const mapping = mappingSchema.parse({ programs: { 'BA Business': { courses: ['BUS-ALL'] } } });
    expect(programCourseIdnumbers('BA Business', ['BUS101'], mapping)).toEqual(['BUS-ALL']);
  });
});

describe('mapping file', () => {
  it('ships a demo mapping that parses and yields the lifecycle policy', () => {
    const file = path.resolve(__dirname, '../../config/mapping.demo.yaml');
    const mapping = parseMapping(readFileSync(file, 'utf8'), file);
    expect(mapping.moodle).toEqual({ usernameStrategy: 'studentId', studentRoleId: 5, auth: 'manual' });
    expect(lifecyclePolicy(mapping)).toEqual({ studentRoleId: 5, withdrawal: 'suspend', conflictTimeoutMs: 7 * 24 * 3600 * 1000 });
  });

  it('names the bad field and what it expects', () => {
    const bad = () => parseMapping('moodle:\n  usernameStrategy: phone\nwithdrawal: delete\n', 'mapping.yaml');
    expect(bad).toThrow(/^mapping\.yaml is invalid:/);
    expect(bad).toThrow(/"email"\|"studentId"\s+→ at moodle\.usernameStrategy/);
    expect(bad).toThrow(/"suspend"\|"unenrol"\s+→ at withdrawal/);
    expect(() => parseMapping('programs:\n  BSc: { courses: [] }\n')).toThrow(/programs\.BSc\.courses/);
    expect(() => parseMapping('moodle: [unclosed')).toThrow(/not valid YAML or JSON/);
  });

  it('rejects a conflict timeout that is not a duration when the file is loaded', () => {
    expect(() => parseMapping('conflictTimeout: soon\n')).toThrow(/expected a whole number with a unit[^]*→ at conflictTimeout/);
  });
});
