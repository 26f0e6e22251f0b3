/*
 * The workflows the paging test's worker runs: the real change feed, and a profile workflow and an
 * onboarding that only complete, standing in for the runs the feed starts (their work is not under test).
 */
export { changeFeed } from '../../workflows/change-feed';

export async function syncProfile(): Promise<void> {}

export async function onboardStudent(): Promise<void> {}
