import { attributionSkip, type AttributionSkipReason } from './student-attribution';

/**
 * Moodle attendance (mod_attendance sessions and logs) → ERPNext Student Attendance: pure
 * transforms shared by activities and workflows.
 */

export type ErpnextAttendanceStatus = 'Present' | 'Absent' | 'Leave';

/** The fields of a `mod_attendance_get_sessions` session we use. */
export interface AttendanceSessionInput {
  id: number;
  sessdate: number;
  lasttaken: number | null;
  statuses: { id: number; acronym: string }[];
  attendance_log: { studentid: number; statusid: string }[];
}

/** One student's mark in one session. */
export interface AttendanceMark {
  moodleUserId: number;
  /** Filled from the Moodle user's idnumber; empty when the account was never linked. */
  studentId: string;
  /** Session start, unix seconds. */
  sessionDate: number;
  /** The session's `lasttaken`, the change marker the watermark follows. */
  takenAt: number;
  acronym: string;
}

export interface MarksSince {
  marks: AttendanceMark[];
  sessions: number;
  /** The newest `lasttaken` seen, never below `since`. */
  watermark: number;
}

/**
 * Marks of sessions taken at or after `since` (`lasttaken` is set each time attendance is taken, so
 * it is the change marker; `>=` for the same one-second reason as grades). Sessions never taken
 * have no marks yet. `statusid` arrives as text and is resolved against the session's own set.
 */
export function attendanceMarksSince(sessions: readonly AttendanceSessionInput[], since: number): MarksSince {
  const marks: AttendanceMark[] = [];
  let watermark = since;
  let taken = 0;
  for (const session of sessions) {
    if (session.lasttaken === null || session.lasttaken < since) continue;
    taken += 1;
    watermark = Math.max(watermark, session.lasttaken);
    const acronyms = new Map(session.statuses.map((status) => [String(status.id), status.acronym]));
    for (const log of session.attendance_log) {
      marks.push({ moodleUserId: log.studentid, studentId: '', sessionDate: session.sessdate, takenAt: session.lasttaken, acronym: acronyms.get(log.statusid) ?? `#${log.statusid}` });
    }
  }
  return { marks, sessions: taken, watermark };
}

/** The calendar date (YYYY-MM-DD) of a unix time in the institution's timezone. */
export function localDate(unixSeconds: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(unixSeconds * 1000));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export interface ExistingAttendance {
  name: string;
  student: string;
  date: string;
  status: ErpnextAttendanceStatus;
  docstatus: 0 | 1;
}

export interface DesiredAttendance {
  student: string;
  date: string;
  status: ErpnextAttendanceStatus;
}

export type AttendanceSkipReason = AttributionSkipReason | 'unmapped-status';

export interface SkippedMark {
  moodleUserId: number;
  studentId?: string;
  reason: AttendanceSkipReason;
  acronym?: string;
  /** The session's `lasttaken`: the course's watermark may not pass it, so the mark is read again once its cause is fixed. */
  takenAt: number;
}

export interface AttendanceWrites {
  create: DesiredAttendance[];
  /** `status` is allow-on-submit, so even submitted records are corrected in place. */
  update: (DesiredAttendance & { name: string })[];
  unchanged: number;
  skipped: SkippedMark[];
}

export interface AttendanceRules {
  statusMap: Readonly<Record<string, ErpnextAttendanceStatus>>;
  timeZone: string;
  /** Students active in the course's Student Group: ERPNext refuses anyone else. */
  activeStudents: readonly string[];
  submit: boolean;
}

/**
 * Decides the Student Attendance writes: one record per student, group and date (ERPNext's own
 * uniqueness rule), so when a day has several sessions the latest session's mark stands.
 */
export function planAttendanceWrites(marks: readonly AttendanceMark[], existing: readonly ExistingAttendance[], rules: AttendanceRules): AttendanceWrites {
  const writes: AttendanceWrites = { create: [], update: [], unchanged: 0, skipped: [] };
  const active = new Set(rules.activeStudents);
  const latest = new Map<string, { mark: AttendanceMark; status: ErpnextAttendanceStatus; date: string }>();
  for (const mark of marks) {
    const unattributed = attributionSkip(mark, active);
    if (unattributed) {
      writes.skipped.push({ ...unattributed, takenAt: mark.takenAt });
      continue;
    }
    const status = rules.statusMap[mark.acronym];
    if (status === undefined) {
      writes.skipped.push({ moodleUserId: mark.moodleUserId, studentId: mark.studentId, reason: 'unmapped-status', acronym: mark.acronym, takenAt: mark.takenAt });
      continue;
    }
    const date = localDate(mark.sessionDate, rules.timeZone);
    const key = `${mark.studentId}|${date}`;
    const seen = latest.get(key);
    if (seen === undefined || seen.mark.sessionDate <= mark.sessionDate) latest.set(key, { mark, status, date });
  }

  const current = new Map(existing.map((record) => [`${record.student}|${record.date}`, record]));
  for (const [key, { mark, status, date }] of latest) {
    const desired: DesiredAttendance = { student: mark.studentId, date, status };
    const record = current.get(key);
    if (record === undefined) writes.create.push(desired);
    else if (record.status !== status || (rules.submit && record.docstatus === 0)) writes.update.push({ ...desired, name: record.name });
    else writes.unchanged += 1;
  }
  return writes;
}
