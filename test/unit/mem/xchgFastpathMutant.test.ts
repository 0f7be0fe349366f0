import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AllocatorSnapshot } from "../../../src/core/createAllocator.js";
import type { MutantName } from "../../../src/core/Mutant.js";
import { STRATEGY_NAMES } from "../../../src/core/strategies/ReservedLookup.js";
import {
  exchanges,
  INVALID,
  job,
  put,
  run,
  START,
  setUp,
  VM1_ON_CPU0_MAP_FULL,
  withWorkers,
} from "./_support/interleavingScenarios.js";
import type { AllocatorJobResult, PausePoint } from "./_support/pausingMemory.js";

/*
 * The racy interleavings of the allocator on the SharedArrayBuffer backend, forced between
 * two worker threads, for the xchg-fastpath mutant; scenarios and notation in _support/interleavingScenarios.ts.
 */

describe("interleavings on the shared backend: the xchg-fastpath mutant", () => {
  const mutant = "xchg-fastpath";

  test("the schedule of 'rollover first': A's exchange overwrites the rollover's 0 with a stale id", async () => {
    const { memory, main } = setUp(VM1_ON_CPU0_MAP_FULL);
    await withWorkers(async (spawn) => {
      const a = spawn(
        "A (CPU 0)",
        job(memory, [run(0, 1)], ["before exchangeActive(cpu 0)", "after exchangeActive(cpu 0)"], {
          mutant,
        }),
      );
      const b = spawn("B (CPU 1)", job(memory, [run(1, 4)], [], { mutant }));
      await Promise.all([a.reach(START), b.reach(START)]);

      // A: VM1's 5 is of generation 4; about to exchange active[0] to 5 (no load of the old value).
      a.release();
      await a.reach("before exchangeActive(cpu 0)");

      // B's rollover, as in the correct schedule: reserved [5, 7], VM4 = 10, active[0] = 0.
      assert.deepEqual((await b.finish<AllocatorJobResult>()).returned, [10n]);
      assert.equal(memory.loadActive(0), 0n);

      // A's exchange returns 0 (so A will take the slow path) but has already stored 5: between
      // here and A's slow path, active[0] holds an id of generation 4 while the generation is
      // 8. The correct algorithm's compare-exchange leaves 0 at this point (first test above).
      a.release();
      await a.reach("after exchangeActive(cpu 0)");
      assert.equal(memory.loadGeneration(), 8n);
      assert.equal(memory.loadActive(0), 5n);
      assert.ok(!memory.ids.isOfGeneration(memory.loadActive(0), memory.loadGeneration()));

      const aResult = await a.finish<AllocatorJobResult>();
      assert.deepEqual(aResult.calls.slice(0, 4), [
        "loadVmId(vm 1) = 5",
        "loadGeneration() = 4",
        "exchangeActive(cpu 0, 5) = 0",
        "lock()",
      ]);
      assert.deepEqual(aResult.returned, [9n]);
      assert.equal(aResult.counters.fastPathHits, 0);
      assert.equal(aResult.counters.slowPathEntries, 1);
    });
    // Here the slow path repairs it: the same end state as the correct algorithm.
    assert.deepEqual(main.snapshot(), {
      generation: 8n,
      curIdx: 2,
      active: [9n, 10n],
      reserved: [9n, 7n],
      allocatedIdx: [1, 2, 3],
    });
  });

  /*
   * The whole bug (the kernel's "Do not replace active_asids if already 0"): a second rollover
   * runs while A is between its exchange and its slow path, and reserves the stale id.
   *
   * Set-up: VM1 runs on CPU 0 (5) and is put (active[0] = INVALID); VM2, VM3 on CPU 1 (6, 7).
   * A (CPU 0) runs VM1: 5 is of generation 4 and active[0] = INVALID is non-zero: fast path.
   * A pauses before its exchange / compare-exchange. B (CPU 1) then:
   *   VM4: rollover to 8; CPU 0 gives INVALID (idx 0), CPU 1 gives 7 (idx 3); VM4 = 9 (idx 1!).
   * A's exchange / compare-exchange runs: mutant: stores 5 (idx 1) and returns 0; correct:
   * expects INVALID, finds 0, stores nothing. A pauses before its slow path. B goes on:
   *   VM5: idx 2 (10); VM4 again on CPU 1: 9, fast path, active[1] = 9;
   *   VM6: rollover to 12; CPU 0 gives: mutant 5 (reserved, idx 1); correct 0, so its older
   *        reservation INVALID (idx 0) stays; CPU 1 gives 9 (idx 1); VM6 = 14 (idx 2);
   *   VM4 again: 9 is stale; CPU 1 reserves it: VM4 = 13.
   * A's slow path, VM1's 5 stale: mutant: CPU 0 reserves 5, so VM1 = 13 as well; correct: no
   * reservation, idx 1 taken, search from curIdx 2 gives 3: VM1 = 15.
   */
  const scenarios: readonly {
    readonly name: string;
    readonly mutant: MutantName | undefined;
    readonly aPlan: readonly PausePoint[];
    readonly aStore: bigint;
    readonly secondRolloverTakes: string;
    readonly afterB: AllocatorSnapshot;
    readonly vm1: bigint;
    readonly end: AllocatorSnapshot;
  }[] = [
    {
      name: "correct algorithm: VM1 and VM4 keep distinct ids",
      mutant: undefined,
      aPlan: ["before compareExchangeActive(cpu 0)", "after compareExchangeActive(cpu 0)"],
      aStore: 0n,
      secondRolloverTakes: "exchangeActive(cpu 0, 0) = 0",
      afterB: {
        generation: 12n,
        curIdx: 2,
        active: [0n, 13n],
        reserved: [INVALID, 13n],
        allocatedIdx: [0, 1, 2],
      },
      vm1: 15n,
      end: {
        generation: 12n,
        curIdx: 3,
        active: [15n, 13n],
        reserved: [INVALID, 13n],
        allocatedIdx: [0, 1, 2, 3],
      },
    },
    {
      name: "xchg-fastpath mutant: VM1 and VM4 both get 13 and run at once",
      mutant,
      aPlan: ["before exchangeActive(cpu 0)", "after exchangeActive(cpu 0)"],
      aStore: 5n,
      secondRolloverTakes: "exchangeActive(cpu 0, 0) = 5",
      afterB: {
        generation: 12n,
        curIdx: 2,
        active: [0n, 13n], // the second rollover took the stale 5 back out
        reserved: [5n, 13n],
        allocatedIdx: [1, 2],
      },
      vm1: 13n,
      end: {
        generation: 12n,
        curIdx: 2,
        active: [13n, 13n],
        reserved: [13n, 13n],
        allocatedIdx: [1, 2],
      },
    },
  ];

  for (const scenario of scenarios) {
    for (const strategy of STRATEGY_NAMES) {
      test(`a second rollover between A's exchange and its slow path, ${scenario.name} (${strategy})`, async () => {
        const behaviour = { strategy, mutant: scenario.mutant };
        const { memory, main } = setUp([run(0, 1), put(0), run(1, 2), run(1, 3)], strategy);
        assert.deepEqual(main.snapshot().active, [INVALID, 7n]);
        await withWorkers(async (spawn) => {
          const a = spawn("A (CPU 0)", job(memory, [run(0, 1)], scenario.aPlan, behaviour));
          const b = spawn(
            "B (CPU 1)",
            job(
              memory,
              [run(1, 4), run(1, 5), run(1, 4), run(1, 6), run(1, 4)],
              ["before loadVmId(vm 5)"],
              behaviour,
            ),
          );
          await Promise.all([a.reach(START), b.reach(START)]);
          a.release();
          await a.reach(scenario.aPlan[0]);

          b.release();
          await b.reach("before loadVmId(vm 5)"); // B's first rollover is done
          assert.deepEqual(main.snapshot(), {
            generation: 8n,
            curIdx: 1,
            active: [0n, 9n],
            reserved: [INVALID, 7n],
            allocatedIdx: [0, 1, 3],
          });

          a.release();
          await a.reach(scenario.aPlan[1]);
          assert.equal(memory.loadActive(0), scenario.aStore);

          const bResult = await b.finish<AllocatorJobResult>();
          assert.deepEqual(bResult.returned, [9n, 10n, 9n, 14n, 13n]);
          assert.ok(
            exchanges(bResult).includes(scenario.secondRolloverTakes),
            exchanges(bResult).join("; "),
          );
          assert.deepEqual(main.snapshot(), scenario.afterB);

          const aResult = await a.finish<AllocatorJobResult>();
          assert.deepEqual(aResult.returned, [scenario.vm1]);
          assert.equal(aResult.counters.fastPathHits, 0);
          assert.equal(aResult.counters.slowPathEntries, 1);
        });
        assert.deepEqual(main.snapshot(), scenario.end);
        assert.equal(main.vmidOf(1), scenario.vm1);
        assert.equal(main.vmidOf(4), 13n);
      });
    }
  }
});
