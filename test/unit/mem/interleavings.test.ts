import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AllocatorSnapshot } from "../../../src/core/createAllocator.js";
import { STRATEGY_NAMES } from "../../../src/core/strategies/ReservedLookup.js";
import {
  AFTER_SETUP_1,
  exchanges,
  INVALID,
  job,
  lockWord,
  put,
  run,
  START,
  setUp,
  VM1_ON_CPU0_MAP_FULL,
  withWorkers,
} from "./_support/interleavingScenarios.js";
import type { AllocatorJobResult } from "./_support/pausingMemory.js";

/*
 * The racy interleavings of the allocator on the SharedArrayBuffer backend, forced between
 * two worker threads; scenarios and notation in _support/interleavingScenarios.ts.
 */

describe("interleavings on the shared backend: a fast path racing a rollover", () => {
  for (const strategy of STRATEGY_NAMES) {
    test(`rollover first: A's compare-exchange finds 0, A takes the slow path (${strategy})`, async () => {
      const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL, strategy);
      assert.deepEqual(main.snapshot(), AFTER_SETUP_1);
      await withWorkers(async (spawn) => {
        const a = spawn(
          "A (CPU 0)",
          job(
            memory,
            [run(0, 1)],
            ["before compareExchangeActive(cpu 0)", "after compareExchangeActive(cpu 0)"],
            { strategy },
          ),
        );
        const b = spawn("B (CPU 1)", job(memory, [run(1, 4)], [], { strategy }));
        await Promise.all([a.reach(START), b.reach(START)]);

        // A: VM1's id 5 is of generation 4 and active[0] = 5 is non-zero: about to
        // compare-exchange active[0] from 5 to 5.
        a.release();
        await a.reach("before compareExchangeActive(cpu 0)");

        // B rolls over: active[0] 5 -> 0 (reserved, idx 1), active[1] 7 -> 0 (idx 3); the search
        // from 1 gives idx 2: VM4 = 10.
        const bResult = await b.finish<AllocatorJobResult>();
        assert.deepEqual(bResult.returned, [10n]);
        assert.deepEqual(exchanges(bResult), [
          "exchangeActive(cpu 0, 0) = 5",
          "exchangeActive(cpu 1, 0) = 7",
        ]);
        assert.deepEqual(main.snapshot(), {
          generation: 8n,
          curIdx: 2,
          active: [0n, 10n],
          reserved: [5n, 7n],
          allocatedIdx: [1, 2, 3],
        });

        // A's compare-exchange expects 5, finds 0 and stores nothing: active[0] stays 0, never
        // a stale id, and A's old id is still what CPU 0 reserves.
        a.release();
        await a.reach("after compareExchangeActive(cpu 0)");
        assert.equal(memory.loadActive(0), 0n);
        assert.equal(memory.reserved[0], 5n);

        // A's slow path: VM1's id 5 is stale; CPU 0 reserves 5, so VM1 keeps idx 1 in generation
        // 8 (9) and the reservation moves to 9.
        const aResult = await a.finish<AllocatorJobResult>();
        assert.deepEqual(aResult.returned, [9n]);
        assert.deepEqual(aResult.calls.slice(0, 5), [
          "loadVmId(vm 1) = 5",
          "loadActive(cpu 0) = 5",
          "loadGeneration() = 4",
          "compareExchangeActive(cpu 0, 5, 5) = 0",
          "lock()",
        ]);
        assert.equal(aResult.counters.fastPathHits, 0);
        assert.equal(aResult.counters.slowPathEntries, 1);
        assert.equal(aResult.counters.reservedHits, 1);
      });
      assert.deepEqual(main.snapshot(), {
        generation: 8n,
        curIdx: 2,
        active: [9n, 10n],
        reserved: [9n, 7n],
        allocatedIdx: [1, 2, 3],
      });
      assert.equal(main.vmidOf(1), 9n);
      assert.equal(main.vmidOf(4), 10n);
    });
  }

  test("rollover between A's load of active and its generation check: no compare-exchange at all", async () => {
    const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL);
    await withWorkers(async (spawn) => {
      const a = spawn("A (CPU 0)", job(memory, [run(0, 1)], ["after loadActive(cpu 0)"]));
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)]));
      await Promise.all([a.reach(START), b.reach(START)]);
      a.release();
      await a.reach("after loadActive(cpu 0)"); // A holds old = 5
      assert.deepEqual((await b.finish<AllocatorJobResult>()).returned, [10n]); // as above
      // A now reads generation 8: VM1's 5 is stale, so A goes to the slow path without
      // touching active[0], and renews VM1 from CPU 0's reservation.
      const aResult = await a.finish<AllocatorJobResult>();
      assert.deepEqual(aResult.returned, [9n]);
      assert.deepEqual(aResult.calls.slice(0, 4), [
        "loadVmId(vm 1) = 5",
        "loadActive(cpu 0) = 5",
        "loadGeneration() = 8",
        "lock()",
      ]);
      assert.ok(!aResult.calls.some((call) => call.startsWith("compareExchangeActive")));
      assert.equal(aResult.counters.slowPathEntries, 1);
    });
    assert.deepEqual(main.snapshot(), {
      generation: 8n,
      curIdx: 2,
      active: [9n, 10n],
      reserved: [9n, 7n],
      allocatedIdx: [1, 2, 3],
    });
  });

  test("compare-exchange first: the rollover takes and reserves exactly the id A installed", async () => {
    // Set-up: VM1 then VM2 on CPU 0 (5, 6), VM3 on CPU 1 (7): active[0] = 6 (VM2's), so the
    // id A installs (VM1's 5) is distinguishable from what was there before.
    const { memory, main } = setUp([run(0, 1), run(0, 2), run(1, 3)]);
    assert.deepEqual(main.snapshot().active, [6n, 7n]);
    await withWorkers(async (spawn) => {
      const a = spawn(
        "A (CPU 0)",
        job(memory, [run(0, 1)], ["after compareExchangeActive(cpu 0)"]),
      );
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)]));
      await Promise.all([a.reach(START), b.reach(START)]);

      // A's compare-exchange 6 -> 5 succeeds: a fast-path hit, not returned yet.
      a.release();
      await a.reach("after compareExchangeActive(cpu 0)");
      assert.equal(memory.loadActive(0), 5n);

      // B's rollover takes 5 from active[0] (not VM2's 6) and reserves it: idx 1 is set in
      // generation 8, so B's new VM4 gets idx 2 (10), not idx 1.
      const bResult = await b.finish<AllocatorJobResult>();
      assert.deepEqual(bResult.returned, [10n]);
      assert.deepEqual(exchanges(bResult), [
        "exchangeActive(cpu 0, 0) = 5",
        "exchangeActive(cpu 1, 0) = 7",
      ]);
      assert.deepEqual(main.snapshot(), {
        generation: 8n,
        curIdx: 2,
        active: [0n, 10n],
        reserved: [5n, 7n],
        allocatedIdx: [1, 2, 3],
      });

      const aResult = await a.finish<AllocatorJobResult>();
      assert.deepEqual(aResult.returned, [5n]); // CPU 0 runs VM1 with idx 1, which is reserved
      assert.deepEqual(aResult.calls, [
        "loadVmId(vm 1) = 5",
        "loadActive(cpu 0) = 6",
        "loadGeneration() = 4",
        "compareExchangeActive(cpu 0, 6, 5) = 6",
      ]);
      assert.equal(aResult.counters.fastPathHits, 1);
      assert.equal(aResult.counters.slowPathEntries, 0);
    });
    // The next time CPU 0 runs VM1 its active is 0: the slow path renews VM1 from CPU 0's
    // reservation, keeping idx 1 (9).
    assert.equal(main.update(0, 1), 9n);
    assert.deepEqual(main.snapshot().reserved, [9n, 7n]);
  });
});

describe("interleavings on the shared backend: a put racing a rollover", () => {
  test("put first: the rollover takes INVALID from CPU 0 and reserves idx 0; VM1's idx goes to another VM", async () => {
    const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL);
    await withWorkers(async (spawn) => {
      const a = spawn("A (CPU 0)", job(memory, [put(0)]));
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)], ["before exchangeActive(cpu 0)"]));
      await Promise.all([a.reach(START), b.reach(START)]);

      // B is inside its rollover, holding the lock: generation 8, map cleared, no CPU taken yet.
      b.release();
      await b.reach("before exchangeActive(cpu 0)");
      assert.equal(lockWord(memory), 1);
      assert.equal(memory.loadGeneration(), 8n);
      assert.deepEqual(main.snapshot().allocatedIdx, []);

      // A's put needs no lock: its store of INVALID lands before the rollover's exchange.
      const aResult = await a.finish<AllocatorJobResult>();
      assert.deepEqual(aResult.calls, ["storeActive(cpu 0, 4)"]);

      // The rollover takes INVALID (idx 0) for CPU 0 and 7 (idx 3) for CPU 1; VM1's idx 1 is
      // not reserved, and the search from 1 gives it to VM4: 9.
      const bResult = await b.finish<AllocatorJobResult>();
      assert.deepEqual(bResult.returned, [9n]);
      assert.deepEqual(exchanges(bResult), [
        "exchangeActive(cpu 0, 0) = 4",
        "exchangeActive(cpu 1, 0) = 7",
      ]);
    });
    assert.deepEqual(main.snapshot(), {
      generation: 8n,
      curIdx: 1,
      active: [0n, 9n],
      reserved: [INVALID, 7n],
      allocatedIdx: [0, 1, 3],
    });
  });

  /** After either "rollover first" schedule: CPU 0 reserves VM1's 5, then stores INVALID. */
  const ROLLOVER_THEN_PUT: AllocatorSnapshot = {
    generation: 8n,
    curIdx: 2,
    active: [INVALID, 10n],
    reserved: [5n, 7n],
    allocatedIdx: [1, 2, 3],
  };

  test("rollover first (paused between CPU 0's exchange and CPU 1's): CPU 0 reserves VM1's id, active[0] ends INVALID", async () => {
    const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL);
    await withWorkers(async (spawn) => {
      const a = spawn("A (CPU 0)", job(memory, [put(0)]));
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)], ["before exchangeActive(cpu 1)"]));
      await Promise.all([a.reach(START), b.reach(START)]);

      // flushContextCpu(0) is done: active[0] 5 -> 0, reserved[0] = 5, idx 1 set.
      b.release();
      await b.reach("before exchangeActive(cpu 1)");
      assert.deepEqual(main.snapshot(), {
        generation: 8n,
        curIdx: 3,
        active: [0n, 7n],
        reserved: [5n, 0n],
        allocatedIdx: [1],
      });

      // A's put stores INVALID over the rollover's 0.
      await a.finish();
      assert.equal(memory.loadActive(0), INVALID);

      // The rest of the rollover: CPU 1 gives 7 (idx 3); idx 1 is reserved, so VM4 gets 2 (10).
      assert.deepEqual((await b.finish<AllocatorJobResult>()).returned, [10n]);
    });
    assert.deepEqual(main.snapshot(), ROLLOVER_THEN_PUT);
  });

  test("rollover first (put paused before its store): the same end state", async () => {
    const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL);
    await withWorkers(async (spawn) => {
      const a = spawn("A (CPU 0)", job(memory, [put(0)], ["before storeActive(cpu 0)"]));
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)]));
      await Promise.all([a.reach(START), b.reach(START)]);
      a.release();
      await a.reach("before storeActive(cpu 0)");

      // The whole rollover runs while the put is pending: CPU 0 still runs VM1, so 5 is taken
      // and reserved; VM4 gets idx 2.
      assert.deepEqual((await b.finish<AllocatorJobResult>()).returned, [10n]);
      assert.deepEqual(main.snapshot().active, [0n, 10n]);
      assert.deepEqual(main.snapshot().reserved, [5n, 7n]);

      await a.finish();
    });
    assert.deepEqual(main.snapshot(), ROLLOVER_THEN_PUT);
  });
});

describe("interleavings on the shared backend: two slow paths for the same stale VM", () => {
  test("the second re-reads the VM's id under the lock and does not renew it again", async () => {
    // Set-up: set-up 1 then VM4 on CPU 1, which rolls over: generation 8, reserved [5, 7],
    // VM4 = 10, active [0, 10]. VM1's id 5 is now stale.
    const { memory, main } = setUp([...VM1_ON_CPU0_MAP_FULL, run(1, 4)]);
    assert.deepEqual(main.snapshot().active, [0n, 10n]);
    await withWorkers(async (spawn) => {
      const a = spawn("A (CPU 0)", job(memory, [run(0, 1)]));
      const b = spawn("B (CPU 1)", job(memory, [run(1, 1)], ["before lock()"]));
      await Promise.all([a.reach(START), b.reach(START)]);

      // B saw VM1's stale 5 and decided on the slow path; it has not taken the lock yet.
      b.release();
      await b.reach("before lock()");

      // A renews VM1 meanwhile: CPU 0 reserves 5, so VM1 = 9.
      assert.deepEqual((await a.finish<AllocatorJobResult>()).returned, [9n]);

      // B under the lock re-reads VM1's id: 9 is current, so no new_vmid, just the store.
      const bResult = await b.finish<AllocatorJobResult>();
      assert.deepEqual(bResult.returned, [9n]);
      assert.deepEqual(bResult.calls, [
        "loadVmId(vm 1) = 5",
        "loadActive(cpu 1) = 10",
        "loadGeneration() = 8",
        "lock()",
        "loadVmId(vm 1) = 9",
        "loadGeneration() = 8",
        "storeActive(cpu 1, 9)",
        "unlock()",
      ]);
      assert.equal(bResult.counters.slowPathEntries, 1);
      assert.equal(bResult.counters.reservedLookups, 0);
      assert.equal(bResult.counters.freshAllocations, 0);
    });
    assert.deepEqual(main.snapshot(), {
      generation: 8n,
      curIdx: 2,
      active: [9n, 9n],
      reserved: [9n, 7n],
      allocatedIdx: [1, 2, 3],
    });
  });
});
