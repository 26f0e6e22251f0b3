import { nextId, type MoodleState } from './state';

/** mod_attendance tables: statuses per instance, sessions, and the log of taken sessions. */
export interface AttendanceStatus {
  id: number;
  attendanceid: number;
  acronym: string;
  description: string;
  grade: number;
  setnumber: number;
}

export interface AttendanceSession {
  id: number;
  attendanceid: number;
  sessdate: number;
  duration: number;
  description: string;
  lasttaken: number | null;
  lasttakenby: number;
  timemodified: number;
}

export interface AttendanceLog {
  id: number;
  sessionid: number;
  studentid: number;
  statusid: number;
  remarks: string;
  timetaken: number;
  takenby: number;
}

/** Every new attendance instance copies the plugin's template statuses P=2, L=1, E=1, A=0 (A:db/install.php). */
export function seedAttendanceStatuses(state: MoodleState, attendanceid: number) {
  const template: [string, string, number][] = [
    ['P', 'Present', 2],
    ['L', 'Late', 1],
    ['E', 'Excused', 1],
    ['A', 'Absent', 0],
  ];
  for (const [acronym, description, grade] of template) {
    state.attendanceStatuses.push({ id: nextId(state, 'attendance_statuses'), attendanceid, acronym, description, grade, setnumber: 0 });
  }
}

export interface NewAttendanceSession {
  attendanceid: number;
  sessdate: number;
  duration: number;
  description: string;
  log: { studentid: number; acronym: string; remarks: string }[];
}

/** A session, taken when `log` has entries (lasttaken set), its log rows pointing at the instance's statuses. */
export function addAttendanceSession(state: MoodleState, input: NewAttendanceSession): { sessionid: number } | { error: string } {
  const statuses = state.attendanceStatuses.filter((status) => status.attendanceid === input.attendanceid);
  if (statuses.length === 0) return { error: 'unknown attendance instance' };
  const unknown = input.log.find((entry) => !statuses.some((status) => status.acronym === entry.acronym));
  if (unknown) return { error: `unknown status ${unknown.acronym}` };
  const now = state.now();
  const id = nextId(state, 'attendance_sessions');
  state.attendanceSessions.push({ id, attendanceid: input.attendanceid, sessdate: input.sessdate, duration: input.duration, description: input.description, lasttaken: input.log.length > 0 ? now : null, lasttakenby: input.log.length > 0 ? 2 : 0, timemodified: now });
  for (const entry of input.log) {
    const status = statuses.find((candidate) => candidate.acronym === entry.acronym)!;
    state.attendanceLogs.push({ id: nextId(state, 'attendance_log'), sessionid: id, studentid: entry.studentid, statusid: status.id, remarks: entry.remarks, timetaken: now, takenby: 2 });
  }
  return { sessionid: id };
}
