/**
 * Task queue names shared by starters and workers: a wrong queue name fails silently (the task
 * just waits), so both sides import them from here.
 */
export const taskQueues = {
  /** Workflow tasks (orchestration only). */
  workflows: 'campus-bridge',
  /** Every Moodle activity; the server enforces one rate for the whole queue. */
  moodle: 'moodle',
  /** Every ERPNext activity; likewise rate-limited by the server. */
  erpnext: 'erpnext',
} as const;
