import { z } from 'zod';
import { invalidRecord } from '../exceptions';
import { isEnrolled } from '../enrolments';
import { value } from '../parameters';
import type { AttendanceSession, MoodleState } from '../state';
import type { WsFunction } from './function';

/** `attendance_handler::get_session` of mod_attendance (MOODLE_401_STABLE), as get_session_returns cleans it. */
function presentSession(state: MoodleState, session: AttendanceSession) {
  const module = state.modules.find((candidate) => candidate.modname === 'attendance' && candidate.instance === session.attendanceid);
  const courseid = module?.courseid ?? 0;
  const students = state.roleAssignments
    .filter((ra) => ra.courseid === courseid && ra.roleid === 5 && isEnrolled(state, courseid, ra.userid))
    .map((ra) => state.users.find((user) => user.id === ra.userid))
    .filter((user) => user !== undefined);
  return {
    id: session.id,
    attendanceid: session.attendanceid,
    groupid: 0,
    sessdate: session.sessdate,
    duration: session.duration,
    lasttaken: session.lasttaken,
    lasttakenby: session.lasttakenby,
    timemodified: session.timemodified,
    description: session.description,
    descriptionformat: 1,
    studentscanmark: 0,
    absenteereport: 1,
    autoassignstatus: 0,
    preventsharedip: 0,
    preventsharediptime: null,
    statusset: 0,
    includeqrcode: 0,
    courseid,
    statuses: state.attendanceStatuses
      .filter((status) => status.attendanceid === session.attendanceid)
      .map((status) => ({ id: status.id, attendanceid: status.attendanceid, acronym: status.acronym, description: status.description, grade: status.grade, visible: 1, deleted: 0, setnumber: status.setnumber })),
    // statusid and id are PARAM_TEXT in the return description, so they come back as strings.
    attendance_log: state.attendanceLogs
      .filter((log) => log.sessionid === session.id)
      .map((log) => ({ studentid: log.studentid, statusid: String(log.statusid), remarks: log.remarks, id: String(log.id) })),
    users: students.map((user) => ({ id: user.id, firstname: user.firstname, lastname: user.lastname })),
  };
}

export const getSession: WsFunction = {
  name: 'mod_attendance_get_session',
  version: '2023020107',
  parameters: { sessionid: value('int') },
  execute(args, context) {
    const { sessionid } = z.object({ sessionid: z.number() }).parse(args);
    const session = context.state.attendanceSessions.find((candidate) => candidate.id === sessionid);
    if (!session) throw invalidRecord('attendance_sessions', 'SELECT * FROM {attendance_sessions} WHERE id = ?', [sessionid]);
    return presentSession(context.state, session);
  },
};

export const getSessions: WsFunction = {
  name: 'mod_attendance_get_sessions',
  version: '2023020107',
  parameters: { attendanceid: value('int') },
  execute(args, context) {
    const { attendanceid } = z.object({ attendanceid: z.number() }).parse(args);
    const { state } = context;
    if (!state.modules.some((module) => module.modname === 'attendance' && module.instance === attendanceid)) {
      throw invalidRecord('attendance', 'SELECT * FROM {attendance} WHERE id = ?', [attendanceid]);
    }
    return state.attendanceSessions.filter((session) => session.attendanceid === attendanceid).sort((a, b) => a.sessdate - b.sessdate).map((session) => presentSession(state, session));
  },
};
