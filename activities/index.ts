import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import type { MoodleClient } from '../src/moodle/client';
import { createErpnextBackfillActivities } from './backfill-erpnext';
import { createMoodleBackfillActivities } from './backfill-moodle';
import { createErpnextActivities } from './erpnext';
import { createErpnextAttendanceActivities } from './erpnext-attendance';
import { createErpnextBillingActivities } from './erpnext-billing';
import { createMoodleElectiveActivities } from './moodle-electives';
import { createErpnextChangeFeedActivities } from './erpnext-change-feed';
import { createErpnextGradeActivities } from './erpnext-grades';
import { createTemporalActivities } from './last-watermarks';
import { createMoodleActivities } from './moodle';
import { createMoodleRosterActivities } from './moodle-roster';
import { createErpnextRosterActivities } from './erpnext-roster';
import { createMoodleCompletionActivities } from './moodle-completion';
import { createErpnextCompletionActivities } from './erpnext-completion';
import { createMoodleAttendanceActivities } from './moodle-attendance';
import { createMoodleGradeActivities } from './moodle-grades';
import { reportingWaits } from './waiting-on-report';
import { createChangeFeedReadActivities } from './change-feed-reads';
import { createProfileBaselineActivities } from './profile-baselines';
import { createErpnextOperationsActivities, createMoodleOperationsActivities, createTemporalOperationsActivities } from './operations';

export interface ActivityClients {
  moodle: MoodleClient;
  erpnext: ErpnextClient;
  mapping: Mapping;
}

/**
 * Every activity, grouped by the task queue it runs on, and so the rate limit it runs under. Each
 * queue's set is listed here in full, one factory per process and system.
 */
export function createActivities(clients: ActivityClients) {
  return {
    /** Temporal's own visibility reads: on the workflows queue, under no external system's rate limit. */
    workflows: { ...createTemporalActivities(), ...createTemporalOperationsActivities(), ...createChangeFeedReadActivities(clients.mapping), ...createProfileBaselineActivities() },
    // Each system's activities tell their workflow when they retry (WaitingOn, workflows/waiting-on.ts).
    moodle: reportingWaits('moodle', {
      ...createMoodleGradeActivities(clients.moodle),
      ...createMoodleAttendanceActivities(clients.moodle),
      ...createMoodleActivities(clients.moodle, clients.mapping.moodle),
      ...createMoodleOperationsActivities(clients.moodle),
      ...createMoodleElectiveActivities(clients.moodle),
      ...createMoodleRosterActivities(clients.moodle),
      ...createMoodleCompletionActivities(clients.moodle),
      ...createMoodleBackfillActivities(clients.moodle),
    }),
    erpnext: reportingWaits('erpnext', {
      ...createErpnextGradeActivities(clients.erpnext),
      ...createErpnextAttendanceActivities(clients.erpnext),
      ...createErpnextActivities(clients.erpnext, clients.mapping),
      ...createErpnextOperationsActivities(clients.erpnext, clients.mapping),
      ...createErpnextBillingActivities(clients.erpnext),
      ...createErpnextChangeFeedActivities(clients.erpnext, clients.mapping),
      ...createErpnextRosterActivities(clients.erpnext),
      ...createErpnextCompletionActivities(clients.erpnext),
      ...createErpnextBackfillActivities(clients.erpnext, clients.mapping),
    }),
  };
}
