/** What an allocator has done, counted as it runs. All counts are non-negative integers. */
export interface AllocatorCounters {
  /** Updates that returned through the lock-free fast path. */
  fastPathHits: number;
  /** Updates that took the lock (slow path). */
  slowPathEntries: number;
  /** New ids taken from a CPU's reservation (`check_update_reserved_vmid` hit). */
  reservedHits: number;
  /** New ids that kept the VM's old idx because its bit was still clear. */
  oldIdxReuses: number;
  /** New ids that kept a pinned VM's idx (after the reserved lookup missed). */
  pinnedKeeps: number;
  /** New ids found by searching the bitmap (including the search after a rollover). */
  freshAllocations: number;
  /** Rollovers: generation bumps, each with one broadcast flush. */
  rollovers: number;
  /** Reserved-lookup calls (one per non-new VM whose id went stale). */
  reservedLookups: number;
  /** CPUs whose reserved slot a reserved lookup compared, summed over all lookups. */
  reservedCpusVisited: number;
  /** The most CPUs one reserved lookup compared. */
  reservedCpusVisitedMax: number;
  /** Reserved lookups the `counted` strategy answered without the loop (count 0); 0 for others. */
  reservedLookupsSkipped: number;
  /** Bitmap words the searches for a clear bit read (`find_next_zero_bit`). */
  bitmapWordsSearched: number;
  /** Broadcast TLB flushes (`broadcast` policy: one per rollover). */
  broadcastFlushes: number;
  /** Local TLB flushes a CPU did in its slow path (`deferred` policy). */
  localFlushes: number;
  /** CPU TLBs flushed: all CPUs per broadcast, one per local flush. */
  cpusFlushed: number;
  /** Pins that succeeded (a VM pinned again counts each time). */
  pins: number;
  /** Pins that failed (limit reached, or no pins allowed). */
  pinFailures: number;
  /** Unpins. */
  unpins: number;
}

/** A fresh set of counters, all zero. */
export function emptyCounters(): AllocatorCounters {
  return {
    fastPathHits: 0,
    slowPathEntries: 0,
    reservedHits: 0,
    oldIdxReuses: 0,
    pinnedKeeps: 0,
    freshAllocations: 0,
    rollovers: 0,
    reservedLookups: 0,
    reservedCpusVisited: 0,
    reservedCpusVisitedMax: 0,
    reservedLookupsSkipped: 0,
    bitmapWordsSearched: 0,
    broadcastFlushes: 0,
    localFlushes: 0,
    cpusFlushed: 0,
    pins: 0,
    pinFailures: 0,
    unpins: 0,
  };
}
