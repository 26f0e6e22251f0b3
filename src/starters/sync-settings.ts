import type { Mapping } from '../config/mapping-file';
import type { AttendanceSyncSettings } from '../../workflows/sync-attendance';
import type { GradeSyncSettings } from '../../workflows/sync-grades';

/** Courses one sync run handles before it continues as new; bounds history whatever the server suggests. */
const coursesPerRun = 500;

/**
 * Grade sync input from the mapping file; the Schedule, the admin route and the CLI start runs
 * with it alike. Config reaches workflows only as input, built here.
 */
export function gradeSyncSettings(mapping: Mapping): GradeSyncSettings {
  const { submitResults, plans, parallelism } = mapping.grades;
  return { submitResults, plans, courses: mapping.courses, parallelism, coursesPerRun };
}

/** Attendance sync input from the mapping file (it shares the grade sync's parallelism). */
export function attendanceSyncSettings(mapping: Mapping): AttendanceSyncSettings {
  const { statusMap, schedule, submit } = mapping.attendance;
  return { statusMap, timeZone: schedule.timezone, submit, courses: mapping.courses, parallelism: mapping.grades.parallelism, coursesPerRun };
}
