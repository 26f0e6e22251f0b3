import { z } from 'zod';
import { MoodleException, invalidParameter, invalidRecord } from '../exceptions';
import { isEnrolled } from '../enrolments';
import { value } from '../parameters';
import type { AttendanceSession } from '../attendance-register';
import type { MoodleState } from '../state';
import type { FunctionContext, WsFunction } from './function';

/**
 * Both reads refuse a caller without one of these with a generic invalid_parameter_exception,
 * `mod/attendance:view` is not enough (mod_attendance MOODLE_401_STABLE externallib.php; issue 9).
 */
const readCapabilities = ['mod/attendance:manageattendances', 'mod/attendance:takeattendances', 'mod/attendance:changeattendances'];

function requireAnyReadCapability(context: FunctionContext) {
  if (!readCapabilities.some((capability) => context.hasCapability(capability))) throw invalidParameter('Invalid session id or no permissions.');
}

/**
 * get_coursemodule_from_instance(..., MUST_EXIST) reads through get_record_sql, whose missing
 * record names no table: `invalidrecordunknown` (lib/dml/moodle_database.php, dml_missing_record_exception).
 */
const unknownAttendance = (attendanceid: number) =>
  new MoodleException(
    'dml_missing_record_exception',
    'invalidrecordunknown',
    "Can't find data record in database.",
    `SELECT cm.*, m.name, md.name AS modname \n              FROM {course_modules} cm\n                   JOIN {modules} md ON md.id = cm.module\n                   JOIN {attendance} m ON m.id = cm.instance\n                   \n             WHERE m.id = :instance AND md.name = :modulename\n                   \n[array (\n  'instance' => ${attendanceid},\n  'modulename' => 'attendance',\n)]`,
  );

/** `attendance_handler::get_session` of mod_attendance (MOODLE_401_STABLE), as get_session_returns cleans it. */
function presentSession(state: MoodleState, session: AttendanceSession) {
  const module = state.modules.find((candidate) => candidate.modname === 'attendance' && candidate.instance === session.attendanceid);
  const courseid = module?.courseid ?? 0;
  // get_enrolled_users(coursecontext, 'mod/attendance:canbelisted') with onlyactive off: students
  // whose enrolment is suspended are listed too (issue 9). Only the student role can be listed.
  const listed = new Set(state.roleAssignments.filter((ra) => ra.courseid === courseid && ra.roleid === 5 && isEnrolled(state, courseid, ra.userid, false)).map((ra) => ra.userid));
  const students = state.users.filter((user) => listed.has(user.id) && !user.deleted);
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
    requireAnyReadCapability(context);
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
    if (!state.modules.some((module) => module.modname === 'attendance' && module.instance === attendanceid)) throw unknownAttendance(attendanceid);
    requireAnyReadCapability(context);
    // attendance_handler::get_sessions reads them `id ASC`, not by date.
    return state.attendanceSessions.filter((session) => session.attendanceid === attendanceid).sort((a, b) => a.id - b.id).map((session) => presentSession(state, session));
  },
};
