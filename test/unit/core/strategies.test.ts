import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAllocator } from "../../../src/core/createAllocator.js";
import { STRATEGY_NAMES, type StrategyName } from "../../../src/core/strategies/ReservedLookup.js";
import { reservedLookupNamed } from "../../../src/core/strategies/reservedLookupNamed.js";

/**
 * One `update(cpu, vm)` of a hand-derived scenario: the id it must return and how many CPUs'
 * reservations each strategy compares during it (`counters.reservedCpusVisited` delta).
 * scan: every CPU per lookup; counted: every CPU while a live stale reservation is left, else
 * none; indexed: only the CPUs whose reservation (at the last rollover) has the asked idx.
 */
interface Run {
  readonly cpu: number;
  readonly vm: number;
  readonly id: bigint;
  readonly visited: readonly [scan: number, counted: number, indexed: number];
}

/** A put of the vCPU on `put` (clearActive): no id, no lookup. */
interface Put {
  readonly put: number;
}

function visitedBy(run: Run, strategy: StrategyName): number {
  return run.visited[STRATEGY_NAMES.indexOf(strategy)];
}

/** Replays the events, checking the id and the visited delta of each run. */
function replayScenario(
  bits: number,
  cpus: number,
  strategy: StrategyName,
  events: readonly (Run | Put)[],
) {
  const allocator = createAllocator({ bits, cpus, strategy });
  events.forEach((event, step) => {
    if ("put" in event) {
      allocator.clearActive(event.put);
      return;
    }
    const visitedBefore = allocator.counters.reservedCpusVisited;
    const id = allocator.update(event.cpu, event.vm);
    const at = `step ${step + 1}: run cpu ${event.cpu} vm ${event.vm}`;
    assert.equal(id, event.id, `${at}: id`);
    const visited = allocator.counters.reservedCpusVisited - visitedBefore;
    assert.equal(visited, visitedBy(event, strategy), `${at}: CPUs visited by ${strategy}`);
  });
  return allocator;
}

// bits 2 (N = 4, ids 1..3), 2 CPUs. Generation 4 first.
const TWO_ROLLOVERS: readonly Run[] = [
  { cpu: 0, vm: 1, id: 0x5n, visited: [0, 0, 0] }, // new: first clear bit from 1 -> idx 1
  { cpu: 1, vm: 2, id: 0x6n, visited: [0, 0, 0] }, // new: idx 2
  { cpu: 0, vm: 3, id: 0x7n, visited: [0, 0, 0] }, // new: idx 3, curIdx 3
  // new, none clear in [3, 4): rollover to 8; active [7, 6] -> reserved [7, 6], map {2, 3};
  // first clear from 1 -> idx 1. Two live stale reservations.
  { cpu: 1, vm: 4, id: 0x9n, visited: [0, 0, 0] },
  // vm3's 7 is stale (active[0] is 0): lookup(7): reserved[0] matches -> 8|3.
  // counted: 2 stale -> scans both, one renewed -> 1 left. indexed: idx 3 lists cpu 0 only.
  { cpu: 0, vm: 3, id: 0xbn, visited: [2, 2, 1] },
  // vm2's 6: reserved[1] matches -> 8|2. counted: 1 stale -> scans both -> 0 left.
  { cpu: 0, vm: 2, id: 0xan, visited: [2, 2, 1] },
  // vm1's 5: no reservation (reserved [11, 10]); counted skips (0 stale); indexed has no idx 1.
  // Bit 1 is vm4's, and [curIdx 1, 4) is full: rollover to 12; active [10, 9] -> reserved
  // [10, 9], map {1, 2}; first clear from 1 -> idx 3.
  { cpu: 1, vm: 1, id: 0xfn, visited: [2, 0, 0] },
];

// bits 3 (N = 8, ids 1..7), 3 CPUs. Generation 8 first.
const SHARED_RESERVATION: readonly Run[] = [
  { cpu: 0, vm: 1, id: 0x9n, visited: [0, 0, 0] }, // new: idx 1
  { cpu: 1, vm: 1, id: 0x9n, visited: [0, 0, 0] }, // current: no allocation; active[1] = 9
  { cpu: 2, vm: 2, id: 0xan, visited: [0, 0, 0] }, // new: idx 2
  { cpu: 2, vm: 3, id: 0xbn, visited: [0, 0, 0] }, // new: idx 3
  { cpu: 2, vm: 4, id: 0xcn, visited: [0, 0, 0] }, // new: idx 4
  { cpu: 2, vm: 5, id: 0xdn, visited: [0, 0, 0] }, // new: idx 5
  { cpu: 2, vm: 6, id: 0xen, visited: [0, 0, 0] }, // new: idx 6
  { cpu: 2, vm: 7, id: 0xfn, visited: [0, 0, 0] }, // new: idx 7, curIdx 7
  // new, [7, 8) full: rollover to 16; active [9, 9, 15] -> reserved [9, 9, 15], map {1, 7};
  // first clear from 1 -> idx 2, curIdx 2. Three live stale reservations.
  { cpu: 2, vm: 8, id: 0x12n, visited: [0, 0, 0] },
  // vm1's 9: CPUs 0 and 1 both reserve it: both become 16|1 in this one lookup.
  // counted: 3 stale -> scans all 3, 2 renewed -> 1 left. indexed: idx 1 lists CPUs 0 and 1.
  { cpu: 2, vm: 1, id: 0x11n, visited: [3, 3, 2] },
  // vm7's 15: reserved[2] -> 16|7. counted: 1 stale -> scans 3 -> 0 left. indexed: cpu 2.
  { cpu: 2, vm: 7, id: 0x17n, visited: [3, 3, 1] },
  // vm2's 10: no reservation; counted skips; indexed has no idx 2. Bit 2 is vm8's, so a
  // fresh search from curIdx 2: map {1, 2, 7} -> idx 3, curIdx 3.
  { cpu: 0, vm: 2, id: 0x13n, visited: [3, 0, 0] },
  // vm4's 12: no reservation; bit 4 clear -> keeps idx 4 (16|4); curIdx stays 3.
  { cpu: 1, vm: 4, id: 0x14n, visited: [3, 0, 0] },
  // vm4 is current and active[2] (23) non-zero: fast path, no lookup.
  { cpu: 2, vm: 4, id: 0x14n, visited: [0, 0, 0] },
];

// bits 2, 2 CPUs; CPU 0 stays idle across two rollovers (suspended animation).
const IDLE_CPU: readonly Run[] = [
  { cpu: 0, vm: 1, id: 0x5n, visited: [0, 0, 0] }, // idx 1, CPU 0 never runs again until step 7
  { cpu: 1, vm: 2, id: 0x6n, visited: [0, 0, 0] }, // idx 2
  { cpu: 1, vm: 3, id: 0x7n, visited: [0, 0, 0] }, // idx 3
  // rollover to 8: active [5, 7] -> reserved [5, 7], map {1, 3}; idx 2. 2 stale.
  { cpu: 1, vm: 4, id: 0xan, visited: [0, 0, 0] },
  // vm2's 6: no reservation (all compared: counted has 2 stale; indexed has no idx 2); bit 2
  // is vm4's and [2, 4) is full: rollover to 12. active[0] is 0 -> CPU 0 keeps its older
  // reservation 5; active[1] 10 -> reserved 10. Map {1, 2}; idx 3. 2 stale again (5 and 10).
  { cpu: 1, vm: 2, id: 0xfn, visited: [2, 2, 0] },
  // vm1's 5, two generations old, is still reserved by CPU 0: keeps idx 1 (12|1).
  { cpu: 1, vm: 1, id: 0xdn, visited: [2, 2, 1] },
  // vm4's 10: reserved[1] -> 12|2; the last stale reservation.
  { cpu: 0, vm: 4, id: 0xen, visited: [2, 2, 1] },
  // vm3's 7: none reserved; bit 3 is vm2's and [3, 4) is full: rollover to 16; active
  // [14, 13] -> reserved [14, 13], map {1, 2}; idx 3.
  { cpu: 0, vm: 3, id: 0x13n, visited: [2, 0, 0] },
];

// bits 2, 2 CPUs; CPU 0 is put before the first rollover, so it reserves INVALID (idx 0).
const PUT_CPU: readonly (Run | Put)[] = [
  { cpu: 0, vm: 1, id: 0x5n, visited: [0, 0, 0] }, // idx 1
  { put: 0 }, // active[0] = INVALID = 4
  { cpu: 1, vm: 2, id: 0x6n, visited: [0, 0, 0] }, // idx 2
  { cpu: 1, vm: 3, id: 0x7n, visited: [0, 0, 0] }, // idx 3
  // rollover to 8: active [4, 7] -> reserved [4, 7], map {0, 3}; idx 1. Only 7 is a live
  // stale reservation: INVALID is never asked for (no VM id has idx 0).
  { cpu: 1, vm: 4, id: 0x9n, visited: [0, 0, 0] },
  // vm3's 7: reserved[1] -> 8|3. counted: 1 stale -> scans both -> 0 left.
  { cpu: 0, vm: 3, id: 0xbn, visited: [2, 2, 1] },
  // vm2's 6: no reservation; counted skips although CPU 0 still reserves INVALID; bit 2 is
  // clear -> keeps idx 2.
  { cpu: 0, vm: 2, id: 0xan, visited: [2, 0, 0] },
  // vm1's 5: no reservation, bit 1 is vm4's, [1, 4) full: rollover to 12; active [10, 9] ->
  // reserved [10, 9], map {1, 2}; idx 3.
  { cpu: 0, vm: 1, id: 0xfn, visited: [2, 0, 0] },
];

for (const strategy of STRATEGY_NAMES) {
  describe(`reserved lookup: ${strategy}`, () => {
    test("is the strategy of that name", () => {
      assert.equal(reservedLookupNamed(strategy).name, strategy);
      assert.equal(createAllocator({ bits: 2, cpus: 2, strategy }).strategy, strategy);
    });

    test("two rollovers, 2 CPUs, bits 2: ids and CPUs visited per lookup", () => {
      const allocator = replayScenario(2, 2, strategy, TWO_ROLLOVERS);
      const snapshot = allocator.snapshot();
      assert.equal(snapshot.generation, 12n);
      assert.deepEqual(snapshot.reserved, [10n, 9n]);
      assert.deepEqual(snapshot.active, [0n, 15n]); // the rollover of step 7 zeroed CPU 0
      assert.deepEqual(snapshot.allocatedIdx, [1, 2, 3]);
      assert.deepEqual(
        { ...allocator.counters },
        {
          fastPathHits: 0,
          slowPathEntries: 7, // new VMs, a zero active after each rollover, stale VMs
          reservedHits: 2,
          oldIdxReuses: 0,
          pinnedKeeps: 0,
          freshAllocations: 5, // vm1..vm4, then vm1 after the second rollover
          rollovers: 2,
          reservedLookups: 3,
          reservedCpusVisited: { scan: 6, counted: 4, indexed: 2 }[strategy],
          // Per lookup (steps 5, 6, 7): scan 2, 2, 2; counted 2, 2, 0; indexed 1, 1, 0.
          reservedCpusVisitedMax: { scan: 2, counted: 2, indexed: 1 }[strategy],
          // counted's third lookup (vm1's 5) finds no live stale reservation left.
          reservedLookupsSkipped: { scan: 0, counted: 1, indexed: 0 }[strategy],
          // The bitmap is one word, so each search reads 1: the 5 fresh allocations' searches
          // plus the 2 that found nothing and led to the rollovers.
          bitmapWordsSearched: 7,
          broadcastFlushes: 2, // one per rollover
          localFlushes: 0,
          cpusFlushed: 4, // 2 CPUs per broadcast
          pins: 0,
          pinFailures: 0,
          unpins: 0,
        },
      );
    });

    test("two rollovers, deferred flush: the same ids; each marked CPU flushes in its next slow path", () => {
      const allocator = createAllocator({ bits: 2, cpus: 2, strategy, flush: "deferred" });
      const broadcast = replayScenario(2, 2, strategy, TWO_ROLLOVERS);
      for (const run of TWO_ROLLOVERS) assert.equal(allocator.update(run.cpu, run.vm), run.id);
      assert.deepEqual(allocator.snapshot(), broadcast.snapshot());
      // Rollover 1 (step 4, on cpu 1) marks both CPUs; cpu 1 flushes in that same slow path,
      // before publishing; cpu 0 in step 5 (its active is 0). Step 6 finds no mark. Rollover 2
      // (step 7, cpu 1) marks both again; cpu 1 flushes at once; cpu 0 never runs again and
      // stays marked. 3 local flushes instead of 2 broadcasts of 2 CPUs.
      assert.equal(allocator.counters.broadcastFlushes, 0);
      assert.equal(allocator.counters.localFlushes, 3);
      assert.equal(allocator.counters.cpusFlushed, 3);
      assert.equal(allocator.counters.rollovers, 2);
      assert.deepEqual(Array.from(allocator.memory.flushPending), [0b01]);
    });

    test("a VM reserved on several CPUs is renewed on all of them in one lookup", () => {
      const allocator = replayScenario(3, 3, strategy, SHARED_RESERVATION.slice(0, 10));
      // After step 10 both copies of 9 are 16|1 = 17; CPU 2's 15 is untouched.
      assert.deepEqual(allocator.snapshot().reserved, [0x11n, 0x11n, 0xfn]);
      assert.equal(allocator.counters.reservedHits, 1);
    });

    test("3 CPUs, bits 3: skip when no stale reservation is left, old idx reuse, fast path", () => {
      const allocator = replayScenario(3, 3, strategy, SHARED_RESERVATION);
      const snapshot = allocator.snapshot();
      assert.deepEqual(snapshot.reserved, [0x11n, 0x11n, 0x17n]);
      assert.deepEqual(snapshot.active, [0x13n, 0x14n, 0x14n]);
      assert.deepEqual(snapshot.allocatedIdx, [1, 2, 3, 4, 7]);
      assert.equal(snapshot.curIdx, 3); // the old-idx reuse of step 13 did not move it
      const counters = allocator.counters;
      assert.equal(counters.reservedLookups, 4);
      assert.equal(counters.reservedHits, 2);
      assert.equal(counters.oldIdxReuses, 1);
      assert.equal(counters.freshAllocations, 9); // vm1..vm8 and vm2 again
      assert.equal(counters.fastPathHits, 1);
      // scan: 3 CPUs x 4 lookups; counted: 3 + 3 then skips; indexed: 2 + 1.
      assert.equal(counters.reservedCpusVisited, { scan: 12, counted: 6, indexed: 3 }[strategy]);
    });

    test("an idle CPU's reservation survives two rollovers and still renews its VM", () => {
      const allocator = replayScenario(2, 2, strategy, IDLE_CPU);
      const snapshot = allocator.snapshot();
      assert.equal(snapshot.generation, 16n);
      assert.deepEqual(snapshot.reserved, [0xen, 0xdn]);
      assert.equal(allocator.counters.rollovers, 3);
      assert.equal(allocator.counters.reservedHits, 2);
    });

    test("a put CPU's INVALID reservation is never looked up", () => {
      const allocator = replayScenario(2, 2, strategy, PUT_CPU);
      assert.deepEqual(allocator.snapshot().reserved, [0xan, 0x9n]);
      assert.equal(allocator.counters.oldIdxReuses, 1);
      assert.equal(
        allocator.counters.reservedCpusVisited,
        { scan: 6, counted: 2, indexed: 1 }[strategy],
      );
    });
  });
}
