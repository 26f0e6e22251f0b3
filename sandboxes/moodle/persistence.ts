import type { MoodleState } from './state';

/**
 * The Moodle sandbox's whole state as plain data for a state file (../state-file.ts writes its
 * Maps): every table, sequence, token and setting. The clock is a function and stays the fresh
 * state's; the timing model is chosen per start, so it is not kept either.
 */
export type MoodleSnapshot = Omit<MoodleState, 'now'>;

export function snapshotMoodle(state: MoodleState): MoodleSnapshot {
  const { now: _clock, ...data } = state;
  return structuredClone(data);
}

export function restoreMoodle(state: MoodleState, snapshot: MoodleSnapshot): void {
  const simulateMoodleTiming = state.settings.simulateMoodleTiming;
  Object.assign(state, snapshot);
  state.settings.simulateMoodleTiming = simulateMoodleTiming;
}
