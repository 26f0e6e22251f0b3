import { attendanceMarksSince, localDate, planAttendanceWrites, type AttendanceMark, type AttendanceRules } from '../../src/mapping/attendance';

const statuses = [
  { id: 11, acronym: 'P' },
  { id: 12, acronym: 'L' },
  { id: 13, acronym: 'E' },
  { id: 14, acronym: 'A' },
  { id: 15, acronym: 'X' },
];

// 2026-10-05 09:00 UTC and the same day 14:00 UTC.
const morning = Date.UTC(2026, 9, 5, 9) / 1000;
const afternoon = Date.UTC(2026, 9, 5, 14) / 1000;

const rules: AttendanceRules = { statusMap: { P: 'Present', L: 'Present', E: 'Leave', A: 'Absent' }, timeZone: 'Europe/London', activeStudents: ['S1', 'S2'], submit: false };
const mark = (studentId: string, acronym: string, sessionDate = morning, moodleUserId = 1): AttendanceMark => ({ moodleUserId, studentId, sessionDate, takenAt: sessionDate + 60, acronym });

describe('attendanceMarksSince', () => {
  it('takes the marks of sessions taken at or after the watermark and resolves status ids to acronyms', () => {
    const read = attendanceMarksSince(
      [
        { id: 1, sessdate: morning, lasttaken: 100, statuses, attendance_log: [{ studentid: 7, statusid: '11' }] },
        { id: 2, sessdate: afternoon, lasttaken: 300, statuses, attendance_log: [{ studentid: 7, statusid: '14' }, { studentid: 8, statusid: '99' }] },
        { id: 3, sessdate: afternoon, lasttaken: null, statuses, attendance_log: [] },
      ],
      200,
    );
    expect(read.sessions).toBe(1);
    expect(read.watermark).toBe(300);
    expect(read.marks).toEqual([
      { moodleUserId: 7, studentId: '', sessionDate: afternoon, takenAt: 300, acronym: 'A' },
      { moodleUserId: 8, studentId: '', sessionDate: afternoon, takenAt: 300, acronym: '#99' },
    ]);
  });
});

describe('planAttendanceWrites', () => {
  it('dates sessions in the institution timezone', () => {
    expect(localDate(Date.UTC(2026, 9, 5, 23, 30) / 1000, 'Europe/London')).toBe('2026-10-06');
    expect(localDate(Date.UTC(2026, 9, 5, 23, 30) / 1000, 'UTC')).toBe('2026-10-05');
  });

  it('keeps one record per student and day, the latest session deciding', () => {
    const writes = planAttendanceWrites([mark('S1', 'A', afternoon), mark('S1', 'P', morning)], [], rules);
    expect(writes.create).toEqual([{ student: 'S1', date: '2026-10-05', status: 'Absent' }]);
  });

  it('creates missing records, corrects changed ones, leaves equal ones alone', () => {
    const writes = planAttendanceWrites([mark('S1', 'P'), mark('S2', 'E')], [{ name: 'A1', student: 'S1', date: '2026-10-05', status: 'Absent', docstatus: 1 }], rules);
    expect(writes.update).toEqual([{ name: 'A1', student: 'S1', date: '2026-10-05', status: 'Present' }]);
    expect(writes.create).toEqual([{ student: 'S2', date: '2026-10-05', status: 'Leave' }]);
    const again = planAttendanceWrites([mark('S1', 'P')], [{ name: 'A1', student: 'S1', date: '2026-10-05', status: 'Present', docstatus: 1 }], rules);
    expect(again).toEqual({ create: [], update: [], unchanged: 1, skipped: [] });
  });

  it('reports marks it cannot place, with reasons', () => {
    const writes = planAttendanceWrites([mark('', 'P', morning, 5), mark('S9', 'P', morning, 6), mark('S1', 'X', morning, 7)], [], rules);
    expect(writes.skipped).toEqual([
      { moodleUserId: 5, reason: 'no-student-idnumber', takenAt: morning + 60 },
      { moodleUserId: 6, studentId: 'S9', reason: 'not-in-student-group', takenAt: morning + 60 },
      { moodleUserId: 7, studentId: 'S1', reason: 'unmapped-status', acronym: 'X', takenAt: morning + 60 },
    ]);
  });
});
