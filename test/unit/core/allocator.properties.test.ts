import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { createAllocator } from "../../../src/core/createAllocator.js";
import { STRATEGY_NAMES } from "../../../src/core/strategies/ReservedLookup.js";
import { replayChecked } from "../../_support/replayChecked.js";
import { seeded } from "../../_support/seeded.js";
import { invariantChecks, oracleChecks, reservationChecks } from "../../_support/stepChecks.js";
import { BACKENDS, replay, traceArbitrary } from "../../_support/traces.js";

/*
 * The shared property suite of the allocator: one set of properties, run for every memory
 * backend and every reserved-lookup strategy. Traces: bits 2..5, cpus 1..2^bits-2, VMs from a
 * pool of up to 2^(bits+1) (more VMs than usable ids, so rollovers happen), runs and puts.
 * The checks (test/_support/stepChecks.ts) run after every event.
 */

const NUM_RUNS = 150;

for (const backend of BACKENDS) {
  for (const strategy of STRATEGY_NAMES) {
    describe(`allocator properties: ${backend.name} memory, ${strategy} strategy`, () => {
      test("invariants 1, 2, 3, 6, 7 hold after every event (seed 4101)", () => {
        fc.assert(
          fc.property(traceArbitrary(), (trace) => {
            replayChecked(trace, backend.make, strategy, [invariantChecks]);
          }),
          seeded(4101, NUM_RUNS),
        );
      });

      test("oracle: generations step by N, ids stay put between rollovers, counters agree (seed 4102)", () => {
        fc.assert(
          fc.property(traceArbitrary(), (trace) => {
            replayChecked(trace, backend.make, strategy, [oracleChecks]);
          }),
          seeded(4102, NUM_RUNS),
        );
      });

      test("invariant 4, suspended animation, every reserved copy renewed (seed 4103)", () => {
        fc.assert(
          fc.property(traceArbitrary(), (trace) => {
            replayChecked(trace, backend.make, strategy, [reservationChecks]);
          }),
          seeded(4103, NUM_RUNS),
        );
      });
    });
  }
}

describe("allocator properties: bits 6, the bitmap spans two words", () => {
  // bits 2..5 keep the whole map in one Int32 word; bits 6 (N = 64) makes every search and
  // rollover cross from word 0 to word 1. Longer traces, so that 63+ VMs fill a generation.
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy}: every check after every event (seed 4106)`, () => {
      fc.assert(
        fc.property(traceArbitrary({ minBits: 6, maxBits: 6, maxEvents: 600 }), (trace) => {
          replayChecked(trace, BACKENDS[0].make, strategy, [
            invariantChecks,
            oracleChecks,
            reservationChecks,
          ]);
        }),
        seeded(4106, 40),
      );
    });
  }
});

describe("allocator properties: strategies and backends agree", () => {
  test("identical ids, flushes, final snapshots and allocation counters (seed 4104)", () => {
    fc.assert(
      fc.property(traceArbitrary(), (trace) => {
        const runs = BACKENDS.flatMap((backend) =>
          STRATEGY_NAMES.map((strategy) => {
            const flushes: bigint[] = [];
            const allocator = backend.make(trace.bits, trace.cpus, strategy, (generation) => {
              flushes.push(generation);
            });
            const lines = replay(allocator, trace);
            const ids = Array.from({ length: trace.vms }, (_, k) => allocator.vmidOf(k + 1));
            // What a strategy visits (and counted skips) is its own; the rest must agree.
            const {
              reservedCpusVisited,
              reservedCpusVisitedMax: _max,
              reservedLookupsSkipped: _skipped,
              ...counters
            } = allocator.counters;
            return {
              label: `${backend.name} memory, ${strategy}`,
              strategy,
              lines,
              flushes,
              ids,
              snapshot: allocator.snapshot(),
              counters,
              visited: reservedCpusVisited,
            };
          }),
        );
        const [reference, ...others] = runs;
        for (const run of others) {
          assert.deepEqual(run.lines, reference.lines, `ids: ${run.label}`);
          assert.deepEqual(run.flushes, reference.flushes, `flushes: ${run.label}`);
          assert.deepEqual(run.ids, reference.ids, `VM ids: ${run.label}`);
          assert.deepEqual(run.snapshot, reference.snapshot, `snapshot: ${run.label}`);
          assert.deepEqual(run.counters, reference.counters, `counters: ${run.label}`);
        }
        // The seed's scan compares every CPU per lookup; the others never compare more.
        for (const run of runs) {
          const scanned = trace.cpus * run.counters.reservedLookups;
          const limit = run.strategy === "scan" ? "=" : "<=";
          const ok = run.strategy === "scan" ? run.visited === scanned : run.visited <= scanned;
          assert.ok(ok, `${run.label} visited ${run.visited}, expected ${limit} ${scanned}`);
        }
      }),
      seeded(4104, 300),
    );
  });

  test("the trace generator exercises rollovers (seed 4105)", () => {
    // A property over a generator that never rolls over would prove little: most sampled
    // traces must roll over, and some several times.
    const traces = fc.sample(traceArbitrary(), { seed: 4105, numRuns: 200 });
    const rollovers = traces.map(
      (trace) => replayChecked(trace, BACKENDS[0].make, "scan", []).length,
    );
    const withRollover = rollovers.filter((count) => count > 0).length;
    const withThree = rollovers.filter((count) => count >= 3).length;
    assert.ok(withRollover >= 120, `only ${withRollover} of 200 traces roll over`);
    assert.ok(withThree >= 60, `only ${withThree} of 200 traces roll over 3 times or more`);
    assert.ok(
      traces.some((trace) => trace.events.some((e) => e.kind === "put")),
      "no put at all",
    );
  });
});

describe("allocator properties: the deferred flush policy", () => {
  // The deferred policy (the ASID allocator's tlb_flush_pending) must change flushes only: the
  // same ids and state as the broadcast policy, and every CPU flushed before it runs a guest
  // again after a rollover. After a rollover every active id is 0, so a CPU's next update is
  // a slow path, and that slow path must clear the CPU's mark: after any update on CPU c,
  // c is unmarked. Each rollover marks each CPU at most once, so local flushes never exceed
  // rollovers x CPUs.
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy}: same ids and snapshots as broadcast; a CPU is unmarked after each of its updates (seed 4107)`, () => {
      fc.assert(
        fc.property(traceArbitrary(), (trace) => {
          const broadcast = createAllocator({ bits: trace.bits, cpus: trace.cpus, strategy });
          const flushedCpus: number[] = [];
          const deferred = createAllocator({
            bits: trace.bits,
            cpus: trace.cpus,
            strategy,
            flush: "deferred",
            onLocalFlush: (cpu) => flushedCpus.push(cpu),
          });
          for (const [step, event] of trace.events.entries()) {
            if (event.kind === "put") {
              broadcast.clearActive(event.cpu);
              deferred.clearActive(event.cpu);
              continue;
            }
            flushedCpus.length = 0;
            const id = deferred.update(event.cpu, event.vm);
            assert.equal(id, broadcast.update(event.cpu, event.vm), `step ${step}: id`);
            const pending = deferred.memory.flushPending;
            const marked = (pending[event.cpu >>> 5] >>> (event.cpu & 31)) & 1;
            assert.equal(marked, 0, `step ${step}: cpu ${event.cpu} still marked after its update`);
            for (const cpu of flushedCpus)
              assert.equal(cpu, event.cpu, "only the updating CPU flushes");
          }
          assert.deepEqual(deferred.snapshot(), broadcast.snapshot());
          const d = deferred.counters;
          const b = broadcast.counters;
          assert.equal(d.rollovers, b.rollovers);
          assert.equal(d.broadcastFlushes, 0);
          assert.equal(b.broadcastFlushes, b.rollovers);
          assert.equal(b.cpusFlushed, b.rollovers * trace.cpus);
          assert.equal(d.cpusFlushed, d.localFlushes);
          assert.ok(d.localFlushes <= d.rollovers * trace.cpus);
          // A rollover happens inside some CPU's slow path, which flushes right after it.
          if (d.rollovers > 0) assert.ok(d.localFlushes >= 1);
        }),
        seeded(4107, 300),
      );
    });
  }
});
