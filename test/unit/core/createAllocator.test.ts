import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAllocator } from "../../../src/core/createAllocator.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";

describe("createAllocator", () => {
  test("starts in generation N with nothing allocated and the hint at 1", () => {
    const allocator = createAllocator({ bits: 2, cpus: 2 });
    assert.equal(allocator.strategy, "scan"); // the seed's loop by default
    assert.equal(allocator.cpus, 2);
    assert.deepEqual(allocator.snapshot(), {
      generation: 4n,
      curIdx: 1,
      active: [0n, 0n],
      reserved: [0n, 0n],
      allocatedIdx: [],
    });
    assert.equal(allocator.vmidOf(1), 0n);
  });

  test("update and updateRaw return generation | idx, from idx 1 up", () => {
    const allocator = createAllocator({ bits: 8, cpus: 4 });
    assert.equal(allocator.update(0, 7), 0x101n); // generation 0x100, idx 1
    const raw = allocator.updateRaw(1, 9); // the plain backend's number: 0x100 | 2
    assert.equal(typeof raw, "number");
    assert.equal(raw, 0x102);
    assert.equal(allocator.updateRaw(2, 7), 0x101); // current: same id on another CPU
    assert.equal(allocator.vmidOf(7), 0x101n);
    assert.equal(allocator.vmidOf(9), 0x102n);
    assert.equal(allocator.vmidOf(8), 0n);
    assert.deepEqual(allocator.snapshot().active, [0x101n, 0x102n, 0x101n, 0n]);
  });

  test("VM numbers across the dense/sparse boundary and up to 2^53 - 1", () => {
    const allocator = createAllocator({ bits: 8, cpus: 1 });
    assert.equal(allocator.update(0, 2 ** 22), 0x101n);
    assert.equal(allocator.update(0, Number.MAX_SAFE_INTEGER), 0x102n);
    assert.equal(allocator.update(0, 2 ** 22 - 1), 0x103n);
    assert.equal(allocator.vmidOf(2 ** 22), 0x101n);
    assert.equal(allocator.vmidOf(Number.MAX_SAFE_INTEGER), 0x102n);
    assert.equal(allocator.vmidOf(2 ** 22 - 1), 0x103n);
    assert.equal(allocator.vmidOf(2 ** 22 + 1), 0n);
  });

  test("a put CPU reserves idx 0 at the next rollover, so its VM's idx can go elsewhere", () => {
    // bits 2 (N = 4, ids 1..3), 2 CPUs.
    const flushes: bigint[] = [];
    const allocator = createAllocator({ bits: 2, cpus: 2, onFlush: (g) => flushes.push(g) });
    assert.equal(allocator.update(0, 1), 5n); // new: idx 1
    allocator.clearActive(0); // active[0] = INVALID = 4
    assert.deepEqual(allocator.snapshot().active, [4n, 0n]);
    // INVALID is non-zero and vm1 is current: the fast path runs it again.
    assert.equal(allocator.update(0, 1), 5n);
    assert.equal(allocator.counters.fastPathHits, 1);
    allocator.clearActive(0);
    assert.equal(allocator.update(1, 2), 6n); // idx 2
    assert.equal(allocator.update(1, 3), 7n); // idx 3, curIdx 3
    // vm4 is new and [3, 4) is full: rollover to 8. CPU 0 gives INVALID (reserves idx 0),
    // CPU 1 gives 7 (idx 3): map {0, 3}. First clear bit from 1 is vm1's old idx 1.
    assert.equal(allocator.update(1, 4), 9n);
    assert.deepEqual(flushes, [8n]);
    assert.deepEqual(allocator.snapshot(), {
      generation: 8n,
      curIdx: 1,
      active: [0n, 9n],
      reserved: [4n, 7n],
      allocatedIdx: [0, 1, 3],
    });
    // vm1's 5 is reserved nowhere and idx 1 is vm4's: fresh search from 1 -> idx 2.
    assert.equal(allocator.update(0, 1), 10n);
    assert.deepEqual(
      { ...allocator.counters },
      {
        fastPathHits: 1,
        slowPathEntries: 5,
        reservedHits: 0,
        oldIdxReuses: 0,
        pinnedKeeps: 0,
        freshAllocations: 5,
        rollovers: 1,
        reservedLookups: 1,
        reservedCpusVisited: 2,
        reservedCpusVisitedMax: 2, // scan: both CPUs, in the one lookup
        reservedLookupsSkipped: 0,
        // One-word bitmap: 1 per search. Fresh searches for vm1, vm2, vm3 (3), vm4's failed
        // search and its search from 1 after the rollover (2), vm1's fresh search (1).
        bitmapWordsSearched: 6,
        broadcastFlushes: 1,
        localFlushes: 0,
        cpusFlushed: 2,
        pins: 0,
        pinFailures: 0,
        unpins: 0,
      },
    );
  });

  test("without the put, the same trace pins vm1's idx through the rollover", () => {
    const allocator = createAllocator({ bits: 2, cpus: 2 });
    assert.equal(allocator.update(0, 1), 5n);
    assert.equal(allocator.update(1, 2), 6n);
    assert.equal(allocator.update(1, 3), 7n);
    // Rollover: CPU 0 gives 5 (idx 1), CPU 1 gives 7 (idx 3): map {1, 3}; vm4 gets idx 2.
    assert.equal(allocator.update(1, 4), 10n);
    assert.deepEqual(allocator.snapshot().reserved, [5n, 7n]);
    // vm1's 5 is reserved by CPU 0: it keeps idx 1 in generation 8.
    assert.equal(allocator.update(0, 1), 9n);
    assert.equal(allocator.counters.reservedHits, 1);
  });

  test("after a rollover: a clear old idx is reused in place, a taken one is searched from the hint", () => {
    // bits 3 (ids 1..7), 1 CPU. Fill idx 1..7 with vm1..vm7, roll over with vm8.
    const allocator = createAllocator({ bits: 3, cpus: 1 });
    for (let vm = 1; vm <= 7; vm++) assert.equal(allocator.update(0, vm), BigInt(8 + vm));
    // Rollover to 16: CPU 0 gives 15 (vm7, idx 7): map {7}; vm8 -> idx 1, curIdx 1.
    assert.equal(allocator.update(0, 8), 0x11n);
    // vm1's idx 1 is vm8's now: fresh search from curIdx 1 -> idx 2, curIdx 2.
    assert.equal(allocator.update(0, 1), 0x12n);
    assert.equal(allocator.update(0, 3), 0x13n); // old idx 3 still clear: reuse, curIdx stays 2
    assert.equal(allocator.update(0, 2), 0x14n); // idx 2 taken; search from 2: 2, 3 set -> 4
    assert.equal(allocator.snapshot().curIdx, 4);
    assert.deepEqual(allocator.snapshot().allocatedIdx, [1, 2, 3, 4, 7]);
  });
});

describe("createAllocator: names a plain-JavaScript caller may get wrong", () => {
  test("an unknown strategy is a VmidInputError naming the strategies", () => {
    assert.throws(
      () => createAllocator({ bits: 2, cpus: 1, strategy: "bogus" as never }),
      (error: unknown) =>
        error instanceof VmidInputError &&
        /unknown strategy 'bogus'.*scan, counted, indexed/.test(error.message),
    );
  });

  test("an unknown mutant is a VmidInputError naming the mutants", () => {
    assert.throws(
      () => createAllocator({ bits: 2, cpus: 1, mutant: "typo" as never }),
      (error: unknown) =>
        error instanceof VmidInputError && /unknown mutant 'typo'.*no-flush/.test(error.message),
    );
  });
});

describe("deferred flush policy", () => {
  test("a CPU put after a rollover flushes at the put, as its next update may take the fast path", () => {
    // bits 2 (N = 4, ids 1..3), 2 CPUs.
    const flushed: number[] = [];
    const allocator = createAllocator({
      bits: 2,
      cpus: 2,
      flush: "deferred",
      onLocalFlush: (cpu) => flushed.push(cpu),
    });
    assert.equal(allocator.update(0, 2), 5n); // idx 1
    assert.equal(allocator.update(0, 3), 6n); // idx 2
    assert.equal(allocator.update(0, 1), 7n); // idx 3
    // vm4: rollover to 8, both CPUs marked, cpu 0 flushes in this slow path before publishing.
    assert.equal(allocator.update(0, 4), 9n);
    assert.deepEqual(flushed, [0]);
    assert.deepEqual(allocator.snapshot().active, [9n, 0n]);
    // cpu 1's slot is 0 (rolled over); the put stores INVALID, which would let its next
    // update take the fast path: so the put flushes.
    allocator.clearActive(1);
    assert.deepEqual(flushed, [0, 1]);
    // vm1's 7 is reserved by cpu 0: renewed as 8|3 = b.
    assert.equal(allocator.update(0, 1), 0xbn);
    // cpu 1: INVALID is non-zero and vm1 is current: fast path, no slow path, no flush owed.
    const slowBefore = allocator.counters.slowPathEntries;
    assert.equal(allocator.update(1, 1), 0xbn);
    assert.equal(allocator.counters.slowPathEntries, slowBefore);
    assert.equal(allocator.counters.fastPathHits, 1);
    assert.deepEqual(Array.from(allocator.memory.flushPending), [0]);
    assert.equal(allocator.counters.localFlushes, 2);
    assert.equal(allocator.counters.broadcastFlushes, 0);
  });

  test("an unknown flush policy is a VmidInputError", () => {
    assert.throws(
      () => createAllocator({ bits: 2, cpus: 2, flush: "lazy" as "deferred" }),
      /unknown flush policy 'lazy' \(expected broadcast, deferred\)/,
    );
  });
});
