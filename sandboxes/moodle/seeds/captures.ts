import { firstSetRoleCapabilities } from '../capabilities';
import type { MoodleState } from '../state';
import { seedSite } from './site';

/** The `campus_bridge` service of the captured site (test/moodle/captures/README.md). */
export const capturedServiceFunctions = [
  'core_webservice_get_site_info',
  'core_user_get_users_by_field',
  'core_user_get_users',
  'core_user_create_users',
  'core_user_update_users',
  'core_course_get_courses_by_field',
  'core_course_create_courses',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
  'core_enrol_get_enrolled_users',
  'core_enrol_get_users_courses',
  'gradereport_user_get_grade_items',
  'core_grades_update_grades',
  'core_completion_get_course_completion_status',
];

/**
 * The real site as it stood before capture 001: fresh install, web-service user, service and
 * token. The two courses of 009 take course modules 1 and 2 (their news forums), so the
 * assignment the capture run added gets cmid 3.
 */
export function seedCaptures(state: MoodleState, token: string) {
  seedSite(state, {
    token,
    sitename: 'Campus Bridge Holdout Moodle',
    siteShortname: 'holdout',
    siteSummary: 'Loopback test site',
    functions: capturedServiceFunctions,
    siteCreated: 1795561945,
  });
  state.settings.wsRoleCapabilities = [...firstSetRoleCapabilities];
}
