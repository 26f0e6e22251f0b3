import { contextLevels, contextOf, type ContextLevelName } from './roster-state';
import type { MoodleState, UserEnrolment } from './state';

/**
 * A value as PHP holds it in an event: numbers read from the database are strings, ids returned
 * by insert_record and parameters validated as PARAM_INT are integers. The outbound-webhook
 * plugins JSON-encode these as they are, so a receiver sees `"27"` for some ids and `27` for
 * others, even within one event (captures 307, 309, 313).
 */
export type PhpValue = string | number | boolean | null | PhpValue[] | { [key: string]: PhpValue };

/** `\core\event\base::get_data()`, keys in Moodle's order. */
export interface MoodleEvent {
  eventname: string;
  component: string;
  action: string;
  target: string;
  objecttable: string | null;
  objectid: string | number | null;
  crud: 'c' | 'r' | 'u' | 'd';
  edulevel: number;
  contextid: number;
  contextlevel: number;
  /** Always the database string: context records are read back from the database. */
  contextinstanceid: string;
  /** `$USER->id`, a database string. */
  userid: string;
  courseid: string | number;
  relateduserid: string | number | null;
  anonymous: number;
  other: { [key: string]: PhpValue } | null;
  timecreated: number;
}

export interface EventInput {
  eventname: string;
  action: string;
  target: string;
  objecttable: string;
  objectid: string | number;
  crud: MoodleEvent['crud'];
  context: { level: ContextLevelName; instanceid: number };
  /** The acting user's id (the web-service user for web-service calls). */
  actorid: number;
  courseid: string | number;
  relateduserid: string | number | null;
  other: MoodleEvent['other'];
}

/**
 * Builds get_data() as `\core\event\base::create()` fills it: `context` gives contextid and
 * contextlevel as integers (the context class casts them) and contextinstanceid as the stored
 * string; edulevel and anonymous are 0 for the events the sandbox raises (their classes' init()).
 */
export function moodleEvent(state: MoodleState, input: EventInput): MoodleEvent {
  const context = contextOf(state, input.context.level, input.context.instanceid);
  return {
    eventname: input.eventname,
    component: 'core',
    action: input.action,
    target: input.target,
    objecttable: input.objecttable,
    objectid: input.objectid,
    crud: input.crud,
    edulevel: 0,
    contextid: context?.id ?? 0,
    contextlevel: contextLevels[input.context.level],
    contextinstanceid: String(input.context.instanceid),
    userid: String(input.actorid),
    courseid: input.courseid,
    relateduserid: input.relateduserid,
    anonymous: 0,
    other: input.other,
    timecreated: state.now(),
  };
}

/** A `user_enrolments` row as `$DB->get_record` returns it: every column a string, in table order. */
export function userEnrolmentRow(ue: UserEnrolment): { [key: string]: PhpValue } {
  return {
    id: String(ue.id),
    status: String(ue.status),
    enrolid: String(ue.enrolid),
    userid: String(ue.userid),
    timestart: String(ue.timestart),
    timeend: String(ue.timeend),
    modifierid: String(ue.modifierid ?? 0),
    timecreated: String(ue.timecreated),
    timemodified: String(ue.timemodified ?? ue.timecreated),
  };
}
