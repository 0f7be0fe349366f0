/** The allocator counts the lock cost model reads (a subset of `AllocatorCounters`). */
export interface LockCostCounts {
  readonly slowPathEntries: number;
  readonly reservedCpusVisited: number;
  readonly bitmapWordsSearched: number;
  readonly rollovers: number;
}

/**
 * The lock cost model: operations done while holding the allocator lock, counted in units
 * of one word-sized memory operation, all weighted 1:
 * - each slow path: 1 (take the lock, re-read the VM's id, publish the active id);
 * - each CPU whose reservation a reserved lookup compared (`reservedCpusVisited`);
 * - each bitmap word a search for a clear bit read (`bitmapWordsSearched`);
 * - each rollover: the bitmap words it clears, `ceil(2^bits / 32)`, plus one exchange of
 *   every CPU's active id, `cpus`.
 * TLB flushes are not in it: they are counted apart (`broadcastFlushes`, `localFlushes`,
 * `cpusFlushed`), as their cost depends on the hardware, not on the lock.
 * `bits`: 1..24; `cpus`: 1..4096. Returns a non-negative integer.
 */
export function lockOps(counts: LockCostCounts, bits: number, cpus: number): number {
  const rolloverOps = Math.ceil(2 ** bits / 32) + cpus;
  return (
    counts.slowPathEntries +
    counts.reservedCpusVisited +
    counts.bitmapWordsSearched +
    counts.rollovers * rolloverOps
  );
}
