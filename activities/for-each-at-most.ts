/**
 * Runs `work` for every item, in the items' order, with at most `limit` under way at once; settles
 * when all have, or rejects with the first failure.
 */
export async function forEachAtMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
