import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { allocatorId } from "../../../src/check/decodeState.js";
import {
  CpuField,
  GENERATION,
  initialState,
  LOCK,
  MAX_MODEL_PIN_COUNT,
  type ModelLayout,
  modelLayout,
} from "../../../src/check/ModelLayout.js";
import { Pc, type StepModel } from "../../../src/check/stepModel.js";
import { createAllocator, type VmidAllocator } from "../../../src/core/createAllocator.js";
import type { FlushPolicy } from "../../../src/core/FlushPolicy.js";
import { availableIdCount, type IdSpaceOptions, idSpace } from "../../../src/core/IdSpace.js";
import { MUTANT_NAMES, type MutantName } from "../../../src/core/Mutant.js";
import { maxPinned } from "../../../src/core/maxPinned.js";
import { STRATEGY_NAMES, type StrategyName } from "../../../src/core/strategies/ReservedLookup.js";
import { seeded } from "../../_support/seeded.js";
import { type AllocatorView, modelAllocatorView } from "./_support/modelAllocatorView.js";
import { cpuWord, runPin, runPut, runUnpin, runUpdate } from "./_support/modelDriver.js";

/*
 * "The step model is the same algorithm as the core": random sequential traces run both
 * through the core allocator (every reserved-lookup strategy) and through the checker's step
 * model, one operation at a time. In the model, from a state where every CPU is idle, the
 * operation is the scheduler's transition for its CPU (start an update of VM v, or put),
 * followed by that CPU's only enabled step until its pc is idle again. After every event the
 * two must agree on the id the run returned, every VM's id, active[], reserved[], the bitmap,
 * curIdx, the generation, the number of rollovers, and each CPU's TLB (for the core: the
 * entries its runs entered, emptied by each rollover's flush as reported by `onFlush`).
 *
 * The model writes ids as g x N + idx with the generation index g = 1, 2, ..., which is the
 * core's `generation | idx` as a number. Its generations are bounded (8, the most the checker
 * takes): a rollover past g = 8 is cut, and a trace is compared up to that event, where the
 * core must be doing its 8th rollover.
 */

/** The model's generation bound: the largest `generations` the checker accepts. */
const GENERATIONS = 8;

type Event =
  | { readonly kind: "run"; readonly cpu: number; readonly vm: number }
  | { readonly kind: "put"; readonly cpu: number };

interface SequentialTrace {
  readonly bits: number;
  readonly cpus: number;
  readonly vms: number;
  readonly events: readonly Event[];
}

/**
 * The raw draws of a trace: bits 2..4 (2 twice as likely), unbiased CPU and VM draws, and
 * 1..60 events, each of a kind drawn from `kinds` (repeat a kind to make it likelier).
 */
function rawTraceArbitrary<Kind extends string>(kinds: readonly Kind[]) {
  const draw = fc.noBias(fc.nat({ max: 1023 }));
  return fc.record({
    bits: fc.constantFrom(2, 2, 3, 4),
    cpuDraw: draw,
    vmDraw: draw,
    events: fc.array(fc.record({ kind: fc.constantFrom(...kinds), cpu: draw, vm: draw }), {
      minLength: 1,
      maxLength: 60,
      size: "max",
    }),
  });
}

/**
 * Random traces as in test/_support/traces.ts (unbiased draws reduced modulo their ranges, one
 * event in six a put), within the checker's ranges: bits 2..4 (2 twice as likely: only there
 * can the VMs outnumber the ids and roll over), cpus 1..min(4, 2^bits - 2), vms
 * 1..min(8, floor(31 / 2^bits)) (one TLB bit per VM and idx), 1..60 events.
 *
 * A put is kept only when its CPU runs a guest (ran a VM and was not put since): the model's
 * scheduler can only put the vCPU it runs, whereas the core lets `clearActive` store INVALID on
 * an idle CPU, over a 0 a rollover left there, which is a different state.
 */
const traceArbitrary: fc.Arbitrary<SequentialTrace> = rawTraceArbitrary([
  "run",
  "run",
  "run",
  "run",
  "run",
  "put",
]).map(({ bits, cpuDraw, vmDraw, events }) => {
  const ids = 2 ** bits;
  const cpus = 1 + (cpuDraw % Math.min(4, ids - 2));
  const vms = 1 + (vmDraw % Math.min(8, Math.floor(31 / ids)));
  const running = new Array<boolean>(cpus).fill(false);
  const kept: Event[] = [];
  for (const raw of events) {
    const cpu = raw.cpu % cpus;
    if (raw.kind === "run") {
      kept.push({ kind: "run", cpu, vm: 1 + (raw.vm % vms) });
      running[cpu] = true;
    } else if (running[cpu]) {
      kept.push({ kind: "put", cpu });
      running[cpu] = false;
    }
  }
  return { bits, cpus, vms, events: kept };
});

/**
 * Traces for the ASID allocator (no puts: it has none), KPTI on or off. Without KPTI as
 * above; with KPTI bits 3..4 and cpus 1..min(4, 2^(bits-1) - 2) (more usable even idx than
 * CPUs), vms 1..min(8, floor(32 / 2^bits)) (the top TLB bit, an odd idx, is never set).
 */
const asidTraceArbitrary: fc.Arbitrary<SequentialTrace & { readonly kpti: boolean }> = fc
  .record({
    kpti: fc.boolean(),
    bitsDraw: fc.constantFrom(0, 0, 1, 2),
    cpuDraw: fc.noBias(fc.nat({ max: 1023 })),
    vmDraw: fc.noBias(fc.nat({ max: 1023 })),
    events: fc.array(
      fc.record({ cpu: fc.noBias(fc.nat({ max: 1023 })), vm: fc.noBias(fc.nat({ max: 1023 })) }),
      { minLength: 1, maxLength: 60, size: "max" },
    ),
  })
  .map(({ kpti, bitsDraw, cpuDraw, vmDraw, events }) => {
    const bits = kpti ? 3 + (bitsDraw % 2) : 2 + bitsDraw;
    const ids = 2 ** bits;
    const usable = kpti ? ids / 2 - 1 : ids - 1;
    const cpus = 1 + (cpuDraw % Math.min(4, usable - 1));
    const vms = 1 + (vmDraw % Math.min(8, Math.floor((kpti ? 32 : 31) / ids)));
    const kept: Event[] = events.map((raw) => ({
      kind: "run",
      cpu: raw.cpu % cpus,
      vm: 1 + (raw.vm % vms),
    }));
    return { kpti, bits, cpus, vms, events: kept };
  });

/**
 * The core strategies a mutant's model must match. The model's reserved loop visits CPUs in
 * ascending order, as `scan` and `counted` do; `indexed` walks its idx -> CPUs list from the
 * CPU noted last, i.e. in descending order. For the correct algorithm the order does not
 * matter (every match is renewed), but under `early-exit-reserved` the one copy renewed is the
 * first CPU visited: `indexed` renews the highest CPU's copy (bits 2, cpus 2: run 0 2, run 0 1,
 * run 1 3, run 0 3, run 0 4, run 0 3 leaves reserved [7, b] there, [b, 7] with scan).
 */
function strategiesFor(mutant: MutantName | undefined): readonly StrategyName[] {
  return mutant === "early-exit-reserved" ? ["scan", "counted"] : STRATEGY_NAMES;
}

function coreView(allocator: VmidAllocator<number>, vms: number): AllocatorView {
  const snapshot = allocator.snapshot();
  return {
    generation: Number(snapshot.generation),
    curIdx: snapshot.curIdx,
    active: snapshot.active.map(Number),
    reserved: snapshot.reserved.map(Number),
    allocatedIdx: [...snapshot.allocatedIdx],
    vmIds: Array.from({ length: vms }, (_, i) => Number(allocator.vmidOf(i + 1))),
  };
}

/** What a replay covered, summed over a property's traces (so a test can show it was not vacuous). */
interface Coverage {
  events: number;
  rollovers: number;
  cutTraces: number;
}

/**
 * The step model these tests run: puts (unless `puts` is false: the ASID allocator has none),
 * no speculation, TLBs and loaded guests kept.
 */
function sequentialModel(
  layout: ModelLayout,
  mutant: MutantName | undefined,
  flush: FlushPolicy,
  puts = true,
): StepModel {
  return {
    layout,
    generations: GENERATIONS,
    puts,
    speculation: false,
    mutant,
    exitUnloads: false,
    flush,
    trackTlb: true,
    trackLoaded: true,
  };
}

/**
 * Replays `trace` on the step model and on a core allocator per strategy, comparing after
 * every event; returns the ids the runs returned (stopping at a run the model's bound cuts).
 */
function replayBoth(
  trace: SequentialTrace,
  mutant: MutantName | undefined,
  coverage?: Coverage,
  flush: FlushPolicy = "broadcast",
  space: IdSpaceOptions = {},
): number[] {
  const { bits, cpus, vms } = trace;
  const layout = modelLayout(cpus, vms, bits, idSpace(bits, space));
  const model = sequentialModel(layout, mutant, flush, space.allocator !== "asid");
  const strategies = strategiesFor(mutant);
  // Each core drives a TLB per CPU: a run fills (vm, idx), the rollover's flush (onFlush, which
  // the no-flush mutant skips) empties them all; under the deferred policy a CPU's own flush
  // (onLocalFlush) empties its TLB only.
  const tlbs = strategies.map(() => new Array<number>(cpus).fill(0));
  const cores = strategies.map((strategy, i) =>
    createAllocator({
      bits,
      cpus,
      strategy,
      mutant,
      flush,
      ...space,
      onFlush: () => tlbs[i].fill(0),
      onLocalFlush: (cpu) => {
        tlbs[i][cpu] = 0;
      },
    }),
  );
  let state = initialState(layout);
  let modelRollovers = 0;
  const ids: number[] = [];
  for (const [at, event] of trace.events.entries()) {
    const where = `event ${at} (${JSON.stringify(event)})`;
    if (event.kind === "put") {
      state = runPut(model, state, event.cpu);
      for (const core of cores) core.clearActive(event.cpu);
    } else {
      const run = runUpdate(model, state, event.cpu, event.vm);
      const coreIds = cores.map((core) => Number(core.update(event.cpu, event.vm)));
      if (run.cut) {
        // The model refused the rollover from generation index 8 to 9: the core's run made
        // exactly that rollover, its 8th.
        for (const core of cores) {
          assert.equal(core.counters.rollovers, GENERATIONS, `${where}: cut at the bound`);
        }
        if (coverage) {
          coverage.cutTraces++;
          coverage.rollovers += modelRollovers;
        }
        return ids;
      }
      state = run.state;
      modelRollovers += run.rollovers;
      // The model's id g x N + idx as the core writes it, g x unit + idx (see allocatorId).
      const id = allocatorId(layout, state[layout.vmId + event.vm - 1]);
      for (const [i, coreId] of coreIds.entries()) {
        assert.equal(id, coreId, `${where}: id, ${strategies[i]} strategy`);
        tlbs[i][event.cpu] |= 1 << ((event.vm - 1) * layout.idCount + (coreId % layout.idCount));
      }
      // The hardware side: the CPU entered the guest under the id's idx.
      assert.equal(cpuWord(layout, state, event.cpu, CpuField.loadedVm), event.vm, where);
      assert.equal(cpuWord(layout, state, event.cpu, CpuField.loadedIdx), id % layout.idCount);
      ids.push(id);
    }
    assert.equal(state[LOCK], 0, `${where}: lock released`);
    for (let cpu = 0; cpu < cpus; cpu++) {
      assert.equal(cpuWord(layout, state, cpu, CpuField.pc), Pc.idle, `${where}: cpu ${cpu} idle`);
    }
    const expected = modelAllocatorView(layout, state);
    for (const [i, core] of cores.entries()) {
      const strategy = strategies[i];
      assert.deepEqual(coreView(core, vms), expected, `${where}: state, ${strategy} strategy`);
      assert.equal(core.counters.rollovers, modelRollovers, `${where}: rollovers, ${strategy}`);
      for (let cpu = 0; cpu < cpus; cpu++) {
        const tlb = cpuWord(layout, state, cpu, CpuField.tlb);
        assert.equal(tlb, tlbs[i][cpu], `${where}: cpu ${cpu}'s TLB, ${strategy}`);
      }
    }
    assert.equal(state[GENERATION] - 1, modelRollovers, `${where}: one generation per rollover`);
    if (coverage) coverage.events++;
  }
  if (coverage) coverage.rollovers += modelRollovers;
  return ids;
}

describe("conformance: the step model is the core's algorithm, run one operation at a time", () => {
  test("the worked trace of docs/allocator.md gives ids 5, 6, 7, 9, a, b", () => {
    // bits 2 (N = 4, ids 1..3 usable), 2 CPUs. VM 4 finds no clear bit from curIdx 3: rollover
    // to generation 8, which reserves idx 0 (cpu 0 was put: INVALID) and idx 2 (cpu 1 runs
    // VM 2): VM 4 gets 8|1 = 9; VM 2's old id 6 is reserved on cpu 1, renewed as 8|2 = a;
    // VM 1's idx 1 went to VM 4: the search from curIdx 1 finds 3, 8|3 = b.
    const trace: SequentialTrace = {
      bits: 2,
      cpus: 2,
      vms: 4,
      events: [
        { kind: "run", cpu: 0, vm: 1 },
        { kind: "run", cpu: 1, vm: 2 },
        { kind: "put", cpu: 0 },
        { kind: "run", cpu: 0, vm: 3 },
        { kind: "put", cpu: 0 },
        { kind: "run", cpu: 0, vm: 4 },
        { kind: "run", cpu: 1, vm: 2 },
        { kind: "run", cpu: 1, vm: 1 },
      ],
    };
    const coverage: Coverage = { events: 0, rollovers: 0, cutTraces: 0 };
    const ids = replayBoth(trace, undefined, coverage);
    assert.deepEqual(ids, [0x5, 0x6, 0x7, 0x9, 0xa, 0xb]);
    assert.deepEqual(coverage, { events: 8, rollovers: 1, cutTraces: 0 });
  });

  test("the ASID allocator with KPTI: the ids of golden/asid-kpti-pairs.trace", () => {
    // Derived by hand in test/fixtures/golden/asid-kpti-pairs.trace: bits 3, 2 CPUs, only
    // even idx (2, 4, 6) under KPTI, generation unit 2^16 (ids 1000x, 2000x, 3000x in hex),
    // deferred flush; two rollovers (at VM 4's first run and at VM 3's renewal).
    const trace: SequentialTrace = {
      bits: 3,
      cpus: 2,
      vms: 4,
      // (cpu, vm) of each run, in the trace's order.
      events: [
        [0, 1],
        [1, 2],
        [0, 3],
        [0, 1],
        [0, 4],
        [1, 2],
        [1, 1],
        [0, 3],
        [1, 4],
      ].map(([cpu, vm]): Event => ({ kind: "run", cpu, vm })),
    };
    const coverage: Coverage = { events: 0, rollovers: 0, cutTraces: 0 };
    const ids = replayBoth(trace, undefined, coverage, "deferred", {
      allocator: "asid",
      kpti: true,
    });
    assert.deepEqual(
      ids,
      [0x10002, 0x10004, 0x10006, 0x10002, 0x20006, 0x20004, 0x20002, 0x30004, 0x30006],
    );
    assert.deepEqual(coverage, { events: 9, rollovers: 2, cutTraces: 0 });
  });

  // The ASID allocator (KPTI on and off), correct and with each mutant that does not change
  // the put (it has none).
  const asidCases: { readonly mutant: MutantName | undefined; readonly seed: number }[] = [
    { mutant: undefined, seed: 7341 },
    ...MUTANT_NAMES.filter((m) => m !== "clear-to-zero" && m !== "no-put-flush").map(
      (mutant, i) => ({ mutant, seed: 7342 + i }),
    ),
  ];
  for (const { mutant, seed } of asidCases) {
    const name = mutant === undefined ? "the correct algorithm" : `mutant ${mutant}`;
    test(`ASID allocator, ${name}: same ids and state as the core after every event (seed ${seed})`, () => {
      const coverage: Coverage = { events: 0, rollovers: 0, cutTraces: 0 };
      let kptiTraces = 0;
      fc.assert(
        fc.property(asidTraceArbitrary, (trace) => {
          if (trace.kpti) kptiTraces++;
          const space = { allocator: "asid", kpti: trace.kpti } as const;
          replayBoth(trace, mutant, coverage, "deferred", space);
        }),
        seeded(seed, 300),
      );
      assert.ok(kptiTraces >= 100, `only ${kptiTraces} traces with KPTI`);
      assert.ok(coverage.rollovers >= 200, `only ${coverage.rollovers} rollovers`);
      assert.ok(coverage.cutTraces > 0, "no trace reached the generation bound");
      assert.ok(coverage.events >= 3000, `only ${coverage.events} events compared`);
    });
  }

  // Every mutant of the core, run sequentially. Each but xchg-fastpath changes sequential
  // runs (no-flush only in the TLBs), so matching the core's mutant, not the correct
  // allocator, is a real check; xchg-fastpath differs only when a rollover interleaves.
  const cases: { readonly mutant: MutantName | undefined; readonly seed: number }[] = [
    { mutant: undefined, seed: 7301 },
    ...MUTANT_NAMES.map((mutant, i) => ({ mutant, seed: 7302 + i })),
  ];
  // The deferred flush policy, correct and with the mutant that only it shows: the core's
  // local flushes must empty the same TLBs at the same events as the model's flush steps.
  const deferredCases = [
    { mutant: undefined, seed: 7321, flush: "deferred" },
    { mutant: "no-put-flush", seed: 7322, flush: "deferred" },
  ] as const;
  for (const { mutant, seed, flush } of [
    ...cases.map((c) => ({ ...c, flush: "broadcast" as const })),
    ...deferredCases,
  ]) {
    const name = `${mutant === undefined ? "the correct algorithm" : `mutant ${mutant}`}${flush === "deferred" ? ", deferred flush" : ""}`;
    const strategies = strategiesFor(mutant).join(", ");
    test(`${name}: same ids and state as the core (${strategies}) after every event (seed ${seed})`, () => {
      const coverage: Coverage = { events: 0, rollovers: 0, cutTraces: 0 };
      fc.assert(
        fc.property(traceArbitrary, (trace) => {
          replayBoth(trace, mutant, coverage, flush);
        }),
        seeded(seed, 300),
      );
      // Not vacuous: the traces rolled over many times, and most ran to the end.
      assert.ok(coverage.rollovers >= 200, `only ${coverage.rollovers} rollovers`);
      assert.ok(coverage.cutTraces > 0, "no trace reached the generation bound");
      assert.ok(coverage.events >= 3000, `only ${coverage.events} events compared`);
    });
  }
});

/*
 * Pinned ids, sequentially: traces of runs, puts, pins and unpins on configurations that
 * allow pins (maxPinned = N - cpus - 2 >= 1: bits 2 with 1 CPU, bits 3 and 4 with 1..4), run
 * through the step model (the scheduler's startPin then the CPU alone to idle; unpin, one
 * transition) and through the core (`pin`, `unpin`) with every strategy. After every event:
 * the same state as above, plus the pinned map, every VM's pin count and the pinned count; a
 * pin's result is the model's: pinned with the VM's id, or failed with nothing changed.
 * The model bounds a VM's pin count by MAX_MODEL_PIN_COUNT, so a pin of a VM at the bound is
 * dropped from the trace, as is an unpin of a VM that is not pinned (the core throws there).
 */

type PinEvent =
  | Event
  | { readonly kind: "pin"; readonly cpu: number; readonly vm: number }
  | { readonly kind: "unpin"; readonly cpu: number; readonly vm: number };

/**
 * Pin traces for the id space `space` (the VMID allocator by default). Its N
 * (availableIdCount: 2^bits, halved under KPTI) sets the CPUs: 1..min(4, N - 3), so that
 * maxPinned = N - cpus - 2 >= 1; under KPTI 2-bit ids (N = 2) cannot hold a CPU and are drawn
 * as 3-bit ones (N = 4, 1 CPU), and a VM more fits the model's TLB word (its top bit, odd idx
 * N - 1, is never set). The ASID allocator has no put: its traces have none.
 */
function pinTraceArbitrary(space: IdSpaceOptions = {}) {
  const kinds = ["run", "run", "run", "put", "pin", "pin", "unpin"] as const;
  return rawTraceArbitrary(kinds).map(({ bits: drawnBits, cpuDraw, vmDraw, events }) => {
    const bits = space.kpti === true ? Math.max(3, drawnBits) : drawnBits;
    const ids = 2 ** bits;
    const n = availableIdCount(idSpace(bits, space));
    const cpus = 1 + (cpuDraw % Math.min(4, n - 3));
    const vms = 1 + (vmDraw % Math.min(8, Math.floor((space.kpti === true ? 32 : 31) / ids)));
    const running = new Array<boolean>(cpus).fill(false);
    const counts = new Array<number>(vms + 1).fill(0);
    const kept: PinEvent[] = [];
    for (const raw of events) {
      const cpu = raw.cpu % cpus;
      const vm = 1 + (raw.vm % vms);
      if (raw.kind === "run") {
        kept.push({ kind: "run", cpu, vm });
        running[cpu] = true;
      } else if (raw.kind === "put") {
        if (running[cpu] && space.allocator !== "asid") kept.push({ kind: "put", cpu });
        running[cpu] = false;
      } else if (raw.kind === "pin") {
        if (counts[vm] >= MAX_MODEL_PIN_COUNT) continue;
        const pinned = counts.filter((count) => count > 0).length;
        if (counts[vm] > 0 || pinned < maxPinned(n, cpus)) counts[vm]++;
        kept.push({ kind: "pin", cpu, vm });
      } else if (counts[vm] > 0) {
        counts[vm]--;
        kept.push({ kind: "unpin", cpu, vm });
      }
    }
    return { bits, cpus, vms, events: kept };
  });
}

/*
 * The id spaces pins are compared on: the VMID allocator (broadcast flush, puts), and the ASID
 * allocator (deferred flush, no put) without and with KPTI. Under KPTI the pinned map holds
 * every odd idx from init (asids_update_limit) and a rollover copies it: the pinned map, the
 * bitmap after every rollover and maxPinned (N halved) are all compared below.
 */
const PIN_SPACES: readonly {
  readonly label: string;
  readonly space: IdSpaceOptions;
  readonly seed: number;
}[] = [
  { label: "", space: {}, seed: 7341 },
  { label: "ASID allocator, ", space: { allocator: "asid" }, seed: 7351 },
  { label: "ASID allocator with KPTI, ", space: { allocator: "asid", kpti: true }, seed: 7361 },
];

describe("conformance with pinned ids: the step model is the core's pin and unpin", () => {
  for (const { label, space, seed: firstSeed } of PIN_SPACES)
    for (const [i, mutant] of [undefined, "forget-pinned-map", "pinned-before-reserved"].entries())
      pinConformance(label, space, mutant as MutantName | undefined, firstSeed + i);
});

/** One pin conformance test: 300 traces in `space` under `mutant`, from `seed`. */
function pinConformance(
  label: string,
  space: IdSpaceOptions,
  mutant: MutantName | undefined,
  seed: number,
): void {
  const asid = space.allocator === "asid";
  const name = `${label}${mutant === undefined ? "the correct algorithm" : `mutant ${mutant}`}`;
  test(`${name}: same results and state as the core after every event (seed ${seed})`, () => {
    let pins = 0;
    let failures = 0;
    let pinnedKeeps = 0;
    fc.assert(
      fc.property(pinTraceArbitrary(space), ({ bits, cpus, vms, events }) => {
        const layout = modelLayout(cpus, vms, bits, idSpace(bits, space), true);
        const model = sequentialModel(layout, mutant, asid ? "deferred" : "broadcast", !asid);
        const cores = STRATEGY_NAMES.map((strategy) =>
          createAllocator({ bits, cpus, strategy, mutant, ...space }),
        );
        let state = initialState(layout);
        for (const [at, event] of events.entries()) {
          const where = `event ${at} (${JSON.stringify(event)})`;
          let run: { state: Int32Array; cut: boolean };
          if (event.kind === "run") run = runUpdate(model, state, event.cpu, event.vm);
          else if (event.kind === "put")
            run = { state: runPut(model, state, event.cpu), cut: false };
          else if (event.kind === "unpin")
            run = { state: runUnpin(model, state, event.cpu, event.vm), cut: false };
          else run = runPin(model, state, event.cpu, event.vm);
          if (run.cut) return; // the model's generation bound: the rest is not compared
          const countBefore = state[layout.pinCount + (event.kind === "put" ? 0 : event.vm - 1)];
          state = run.state;
          for (const core of cores) {
            if (event.kind === "run") {
              assert.equal(
                Number(core.update(event.cpu, event.vm)),
                allocatorId(layout, state[layout.vmId + event.vm - 1]),
                where,
              );
            } else if (event.kind === "put") core.clearActive(event.cpu);
            else if (event.kind === "unpin") core.unpin(event.vm);
            else {
              const result = core.pin(event.vm);
              const pinnedNow = state[layout.pinCount + event.vm - 1] > countBefore;
              assert.equal(result.pinned, pinnedNow, `${where}: pinned`);
              if (result.pinned) {
                assert.equal(
                  Number(result.id),
                  allocatorId(layout, state[layout.vmId + event.vm - 1]),
                  where,
                );
                assert.equal(result.pinCount, state[layout.pinCount + event.vm - 1], where);
              }
            }
            assert.deepEqual(coreView(core, vms), modelAllocatorView(layout, state), where);
            // Under KPTI the model's pinned map holds every odd idx besides the pinned VMs'
            // (even) ones, as the core's does; pinSnapshot lists the VMs' only.
            const pinnedMap = state[layout.pinnedMap];
            assert.equal(pinnedMap & layout.initialPinnedMap, layout.initialPinnedMap, where);
            const pinnedIdx: number[] = [];
            for (let idx = 0; idx < layout.idCount; idx++)
              if (pinnedMap & ~layout.initialPinnedMap & (1 << idx)) pinnedIdx.push(idx);
            const counts = Array.from(state.subarray(layout.pinCount, layout.pinCount + vms));
            assert.deepEqual(
              core.pinSnapshot(),
              {
                maxPinned: layout.maxPinned,
                pinnedCount: counts.filter((count) => count > 0).length,
                pinnedIdx,
              },
              `${where}: pins`,
            );
            assert.deepEqual(
              Array.from({ length: vms }, (_, i) => core.pinCountOf(i + 1)),
              counts,
              `${where}: pin counts`,
            );
          }
        }
        pins += cores[0].counters.pins;
        failures += cores[0].counters.pinFailures;
        pinnedKeeps += cores[0].counters.pinnedKeeps;
      }),
      seeded(seed, 300),
    );
    // Not vacuous: pins were taken and refused, and pinned VMs kept their idx in new_vmid.
    assert.ok(pins >= 500, `only ${pins} pins`);
    assert.ok(failures >= 50, `only ${failures} failed pins`);
    assert.ok(pinnedKeeps >= 20, `only ${pinnedKeeps} pinned idx kept`);
  });
}
