import type { CostModel, CostModelProxy } from './cost-model-proxy';

/*
 * The sandboxes' cost model of issue #12, with the environment variables that set it, for the
 * benches that price the bridge's requests (the burst; bench/backfill.ts defines the same figures).
 */
export const benchEnv = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const moodleRps = benchEnv('BENCH_MOODLE_RPS', 50);
export const erpnextRps = benchEnv('BENCH_ERPNEXT_RPS', 50);

/** Real Moodle 4.1 (issue #12): 25 ms per request; 55 ms per user created; 4 ms per enrolment in a batch; one look-up value about 30 ms in all. */
export const moodleModel: CostModel = {
  overheadMs: benchEnv('BENCH_MOODLE_OVERHEAD_MS', 25),
  perItemMs: {
    core_user_create_users: benchEnv('BENCH_MOODLE_CREATE_MS', 55),
    enrol_manual_enrol_users: benchEnv('BENCH_MOODLE_ENROL_MS', 4),
    core_user_get_users_by_field: benchEnv('BENCH_MOODLE_LOOKUP_MS', 5),
    // Not measured: an update is a transaction per user, priced like a look-up.
    core_user_update_users: benchEnv('BENCH_MOODLE_UPDATE_MS', 5),
  },
  workers: benchEnv('BENCH_MOODLE_WORKERS', 4),
  rps: moodleRps,
};

/** Real Frappe 15.72 on 2 gunicorn workers: 200 documents by insert_many in 2.6 s (13 ms each); overhead not measured, taken as Moodle's. */
export const erpnextModel: CostModel = {
  overheadMs: benchEnv('BENCH_ERPNEXT_OVERHEAD_MS', 25),
  perItemMs: {
    'frappe.client.insert_many': benchEnv('BENCH_ERPNEXT_DOC_MS', 13),
    'frappe.client.bulk_update': benchEnv('BENCH_ERPNEXT_DOC_MS', 13),
    'PUT Student': benchEnv('BENCH_ERPNEXT_DOC_MS', 13),
  },
  workers: benchEnv('BENCH_ERPNEXT_WORKERS', 2),
  rps: erpnextRps,
};

/** The floor of one system: the larger of its requests ÷ allowed rate and its server work ÷ workers. */
export const floorOf = (proxy: CostModelProxy, model: CostModel) => Math.max(proxy.counts.requests / model.rps, proxy.counts.workMs / 1000 / model.workers);

export const describeModel = (model: CostModel) => `${model.overheadMs} ms/request + ${JSON.stringify(model.perItemMs)} ms/item, ${model.workers} workers, ${model.rps} req/s`;
