/**
 * Optional response times of a real Moodle 4.1 for the batched write functions, so benchmarks
 * see what batching buys. Fitted to the measurements as `perCall + perItem × items`:
 * create_users 101 ms for one user, 57 ms per user in batches of 100 (→ 44.4 + 56.6 × n);
 * enrol 25 ms for one, 4 ms each in batches of 100 (→ 21.2 + 3.8 × n). Unenrolment was not
 * measured and borrows the enrolment figures. Other functions get no added time.
 */
const costs: Record<string, { perCallMs: number; perItemMs: number; listArgument: string }> = {
  core_user_create_users: { perCallMs: 44.4, perItemMs: 56.6, listArgument: 'users' },
  enrol_manual_enrol_users: { perCallMs: 21.2, perItemMs: 3.8, listArgument: 'enrolments' },
  enrol_manual_unenrol_users: { perCallMs: 21.2, perItemMs: 3.8, listArgument: 'enrolments' },
};

export function simulatedDurationMs(wsfunction: string, listLength: (argument: string) => number): number {
  const cost = costs[wsfunction];
  if (!cost) return 0;
  return Math.round(cost.perCallMs + cost.perItemMs * listLength(cost.listArgument));
}
