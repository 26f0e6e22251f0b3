import { mappingSchema, parseMapping } from '../../src/config/mapping-file';

/** The mapping file is checked in full when it is loaded; what it yields needs no later checks. */
const problemOf = (yaml: string): string => {
  try {
    parseMapping(yaml, 'mapping.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the mapping to be rejected');
};

describe('mapping file durations', () => {
  it('arrive in milliseconds, defaults included', () => {
    const defaults = mappingSchema.parse({});
    expect(defaults.conflictTimeout).toBe(7 * 24 * 3600 * 1000);
    expect(defaults.grades.schedule.catchupWindow).toBe(6 * 3600 * 1000);
    const mapping = parseMapping('conflictTimeout: 36h\nattendance:\n  schedule: { cron: "0 3 * * *", catchupWindow: 90m }\n');
    expect(mapping.conflictTimeout).toBe(36 * 3600 * 1000);
    expect(mapping.attendance.schedule).toEqual({ cron: '0 3 * * *', timezone: 'UTC', catchupWindow: 90 * 60 * 1000 });
  });

  it.each([
    ['conflictTimeout: soon', 'conflictTimeout', 'expected a whole number with a unit'],
    ['conflictTimeout: 1.5h', 'conflictTimeout', 'expected a whole number with a unit'],
    ['conflictTimeout: 0d', 'conflictTimeout', 'expected at least 1ms'],
    ['grades:\n  schedule: { cron: "0 2 * * *", catchupWindow: 5s }', 'grades.schedule.catchupWindow', 'expected at least 10s'],
    ['attendance:\n  schedule: { cron: "0 2 * * *", catchupWindow: 6 }', 'attendance.schedule.catchupWindow', 'expected a duration'],
  ])('rejects %j, naming %s', (yaml, key, expected) => {
    const message = problemOf(yaml);
    expect(message).toContain(expected);
    expect(message).toContain(`→ at ${key}`);
  });
});

describe('mapping file schedules', () => {
  it('accept 5 to 7 cron fields, CRON_TZ and macros', () => {
    for (const cron of ['0 2 * * *', '0 0 2 * * *', '0 0 2 * * * 2027', 'CRON_TZ=Europe/London 0 2 * * *', '@daily', '@every 6h']) {
      expect(parseMapping(`grades:\n  schedule: { cron: "${cron}" }\n`).grades.schedule.cron).toBe(cron);
    }
  });

  it('reject a cron of the wrong shape and an unknown time zone, naming each key', () => {
    const message = problemOf('grades:\n  schedule: { cron: "0 2 * *", timezone: Mars/Olympus_Mons }\n');
    expect(message).toMatch(/expected a cron expression of 5 to 7 fields[^]*→ at grades\.schedule\.cron/);
    expect(message).toMatch(/expected an IANA time zone[^]*→ at grades\.schedule\.timezone/);
  });
});

describe('mapping file keys', () => {
  it('rejects a misspelt key instead of silently using the default', () => {
    expect(problemOf('conflictTimout: 3d\n')).toContain('Unrecognized key: "conflictTimout"');
    expect(problemOf('grades:\n  submitResult: true\n')).toMatch(/Unrecognized key: "submitResult"[^]*→ at grades/);
  });

  it('rejects empty names where a Moodle or ERPNext name is expected', () => {
    expect(problemOf('courses: { CS101: "" }\n')).toMatch(/expected a Moodle course idnumber[^]*→ at courses\.CS101/);
    expect(problemOf('moodle: { auth: " " }\n')).toMatch(/expected a Moodle auth plugin name[^]*→ at moodle\.auth/);
  });
});
