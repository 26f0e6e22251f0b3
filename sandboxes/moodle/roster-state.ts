import { invalidParameter, moodleException } from './exceptions';
import type { MoodleState } from './state';

/** Moodle's CONTEXT_* levels and the names `core_role_assign_roles` accepts for them. */
export const contextLevels = { system: 10, user: 30, coursecat: 40, course: 50, module: 70, block: 80 } as const;
export type ContextLevelName = keyof typeof contextLevels;

export interface ContextRef {
  id: number;
  level: ContextLevelName;
  instanceid: number;
}

/** A role assignment in a module context (course ones live in `roleAssignments`). */
export interface ContextRoleAssignment {
  contextid: number;
  userid: number;
  roleid: number;
}

/** A `course_modules_completion` row. */
export interface ActivityCompletion {
  cmid: number;
  userid: number;
  /** COMPLETION_INCOMPLETE 0, COMPLETE 1, COMPLETE_PASS 2, COMPLETE_FAIL 3. */
  state: number;
  timemodified: number;
  overrideby: number | null;
  viewed: boolean;
}

export interface CourseCompletionCriterion {
  cmid: number;
}

/** Whether the instance a context points at exists (users, categories, courses, modules). */
function instanceExists(state: MoodleState, level: ContextLevelName, instanceid: number): boolean {
  switch (level) {
    case 'system':
      return instanceid === 0;
    case 'user':
      return state.users.some((user) => user.id === instanceid && !user.deleted);
    case 'coursecat':
      return state.categories.has(instanceid);
    case 'course':
      return state.courses.some((course) => course.id === instanceid);
    case 'module':
      return state.modules.some((module) => module.id === instanceid);
    case 'block':
      return false;
  }
}

/**
 * Context ids: the system context is 1; every other context gets the next id the first time
 * anything asks for it. Real ids depend on a site's whole history, so no capture relies on them.
 */
export function contextOf(state: MoodleState, level: ContextLevelName, instanceid: number): ContextRef | undefined {
  if (!instanceExists(state, level, instanceid)) return undefined;
  const key = `${level}:${level === 'system' ? 0 : instanceid}`;
  let id = state.contextIds.get(key);
  if (id === undefined) {
    if (state.contextIds.size === 0) state.contextIds.set('system:0', 1);
    id = state.contextIds.get(key) ?? state.contextIds.size + 1;
    state.contextIds.set(key, id);
  }
  return { id, level, instanceid };
}

export function contextById(state: MoodleState, contextid: number): ContextRef | undefined {
  if (contextid === 1) return { id: 1, level: 'system', instanceid: 0 };
  for (const [key, id] of state.contextIds) {
    if (id !== contextid) continue;
    const [level, instance] = key.split(':');
    const ref = contextOf(state, level as ContextLevelName, Number(instance));
    if (ref) return ref;
  }
  return undefined;
}

/**
 * `core_role_external::get_context_from_params` (enrol/externallib.php, from source except the
 * messages captures 241 and 242 show): contextid wins, else contextlevel + instanceid.
 */
export function contextFromParams(state: MoodleState, params: { contextid?: number; contextlevel?: string; instanceid?: number }): ContextRef {
  if (params.contextid !== undefined) {
    const ref = contextById(state, params.contextid);
    if (!ref) throw invalidParameter('Context does not exist');
    return ref;
  }
  if (params.contextlevel !== undefined && params.instanceid !== undefined) {
    if (!(params.contextlevel in contextLevels)) throw invalidParameter(`Invalid context level = ${params.contextlevel}`);
    const ref = contextOf(state, params.contextlevel as ContextLevelName, params.instanceid);
    if (!ref) throw invalidParameter('Context does not exist');
    return ref;
  }
  throw invalidParameter('Missing parameters, please provide either context level with instance id or contextid');
}

/** `validate_context` failures as functions that catch them report them (captures 165, 198). */
export const categoryContextNotValid = (categoryid: number) =>
  moodleException('errorcatcontextnotvalid', `You cannot execute functions in the category context (category id:${categoryid}). The context error message was: Invalid parameter value detected`);
export const courseContextNotValid = (courseid: number) =>
  moodleException('errorcoursecontextnotvalid', `You cannot execute functions in the course context (course id:${courseid}). The context error message was: Invalid parameter value detected`);
