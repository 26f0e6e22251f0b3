/*
 * The workflows the paging test's worker runs: the real change feed, and a profile workflow that
 * only completes, standing in for the runs the feed starts (their work is not under test).
 */
export { changeFeed } from '../../workflows/change-feed';

export async function syncProfile(): Promise<void> {}
