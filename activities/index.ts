import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import type { MoodleClient } from '../src/moodle/client';
import { createErpnextActivities } from './erpnext';
import { createMoodleActivities } from './moodle';

export interface ActivityClients {
  moodle: MoodleClient;
  erpnext: ErpnextClient;
  mapping: Mapping;
}

/** Every activity, grouped by the task queue (and so the rate limit) it runs under. */
export function createActivities(clients: ActivityClients) {
  return {
    moodle: createMoodleActivities(clients.moodle),
    erpnext: createErpnextActivities(clients.erpnext, clients.mapping),
  };
}
