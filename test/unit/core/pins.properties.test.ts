import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { createAllocator, createAllocatorOver } from "../../../src/core/createAllocator.js";
import type { MutantName } from "../../../src/core/Mutant.js";
import { maxPinned } from "../../../src/core/maxPinned.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { createSharedMemory } from "../../../src/mem/sharedMemory.js";
import { seeded } from "../../_support/seeded.js";
import type { AnyAllocator } from "../../_support/traces.js";

/*
 * Properties of pinned ids on random traces of runs, puts, pins and unpins, checked after
 * every event on both memory backends:
 * - a pinned VM's idx is the one it had when its pin count went from 0 to 1;
 * - no VM other than the pinned one holds a current-generation id with a pinned idx;
 * - the pinned count is the number of VMs with a non-zero pin count, at most maxPinned, and
 *   the pinned map is exactly their idx;
 * - the bitmap holds the pinned map (the lock is free between events);
 * - a pin fails exactly when the VM is not pinned and maxPinned VMs are, and then changes
 *   nothing; an unpin of a VM not pinned throws and changes nothing;
 * - no two VMs hold one current-generation id (invariant 1), and every reservation with a
 *   non-zero idx is some VM's id (invariant 4: the reserved lookup renews every copy).
 * Configurations: bits 2..4, cpus 1..N-3 (so that maxPinned = N - cpus - 2 is at least 1),
 * N-1..2N VMs (rollovers happen), 8..200 events: half runs, the rest puts, pins, unpins.
 */

type PinEvent =
  | { readonly kind: "run"; readonly cpu: number; readonly vm: number }
  | { readonly kind: "put"; readonly cpu: number }
  | { readonly kind: "pin"; readonly vm: number }
  | { readonly kind: "unpin"; readonly vm: number };

interface PinTrace {
  readonly bits: number;
  readonly cpus: number;
  readonly vms: number;
  readonly events: readonly PinEvent[];
}

const draw = fc.noBias(fc.nat({ max: 1023 }));
const pinTraceArbitrary: fc.Arbitrary<PinTrace> = fc
  .record({
    bits: fc.integer({ min: 2, max: 4 }),
    cpuDraw: draw,
    vmDraw: draw,
    events: fc.array(
      fc.record({
        kind: fc.constantFrom("run", "run", "run", "put", "pin", "unpin"),
        cpu: draw,
        vm: draw,
      }),
      { minLength: 8, maxLength: 200, size: "max" },
    ),
  })
  .map(({ bits, cpuDraw, vmDraw, events }) => {
    const ids = 2 ** bits;
    const cpus = 1 + (cpuDraw % (ids - 3));
    const vms = ids - 1 + (vmDraw % (ids + 2));
    return {
      bits,
      cpus,
      vms,
      events: events.map((e): PinEvent => {
        const vm = 1 + (e.vm % vms);
        const cpu = e.cpu % cpus;
        if (e.kind === "run") return { kind: "run", cpu, vm };
        if (e.kind === "put") return { kind: "put", cpu };
        return { kind: e.kind, vm };
      }),
    };
  });

const BACKENDS: readonly {
  readonly name: string;
  readonly make: (bits: number, cpus: number, mutant?: MutantName) => AnyAllocator;
}[] = [
  { name: "plain", make: (bits, cpus, mutant) => createAllocator({ bits, cpus, mutant }) },
  {
    name: "shared",
    make: (bits, cpus, mutant) =>
      createAllocatorOver(createSharedMemory(bits, cpus, 2 * 2 ** bits), { mutant }),
  },
];

/** Replays `trace`, checking every property after every event; throws at the first broken one. */
function replayWithPinChecks(allocator: AnyAllocator, trace: PinTrace): void {
  const { bits, cpus, vms } = trace;
  const n = 2 ** bits;
  const limit = maxPinned(n, cpus);
  const idxOf = (id: bigint) => Number(id % BigInt(n));
  const pinnedIdx = new Map<number, number>(); // VM -> idx when its count went 0 -> 1
  for (const [at, event] of trace.events.entries()) {
    const where = `event ${at} ${JSON.stringify(event)}`;
    if (event.kind === "run") allocator.update(event.cpu, event.vm);
    else if (event.kind === "put") allocator.clearActive(event.cpu);
    else if (event.kind === "pin") {
      const wasPinned = pinnedIdx.has(event.vm);
      const before = allocator.vmidOf(event.vm);
      const result = allocator.pin(event.vm);
      if (wasPinned || pinnedIdx.size < limit) {
        assert.equal(result.pinned, true, `${where}: pin succeeds`);
        if (!result.pinned) return;
        assert.equal(result.id, allocator.vmidOf(event.vm), `${where}: returns the VM's id`);
        if (!wasPinned) pinnedIdx.set(event.vm, idxOf(result.id));
      } else {
        assert.deepEqual(result, { pinned: false, reason: "limit-reached", maxPinned: limit });
        assert.equal(allocator.vmidOf(event.vm), before, `${where}: a failed pin changes nothing`);
      }
    } else if (pinnedIdx.has(event.vm)) {
      if (allocator.unpin(event.vm) === 0) pinnedIdx.delete(event.vm);
    } else {
      assert.throws(() => allocator.unpin(event.vm), VmidInputError);
    }

    const ids = Array.from({ length: vms }, (_, i) => allocator.vmidOf(i + 1));
    const snapshot = allocator.snapshot();
    const pins = allocator.pinSnapshot();
    const current = (id: bigint) => id !== 0n && id / BigInt(n) === snapshot.generation / BigInt(n);
    for (const [vm, idx] of pinnedIdx) {
      assert.equal(idxOf(ids[vm - 1]), idx, `${where}: pinned VM ${vm} kept idx ${idx}`);
      for (const [i, id] of ids.entries()) {
        if (i + 1 !== vm && current(id) && idxOf(id) === idx)
          assert.fail(`${where}: VM ${i + 1} holds ${id}, with VM ${vm}'s pinned idx ${idx}`);
      }
    }
    assert.equal(pins.pinnedCount, pinnedIdx.size, `${where}: pinned count`);
    assert.ok(pins.pinnedCount <= limit, `${where}: within maxPinned`);
    assert.deepEqual(
      pins.pinnedIdx,
      [...pinnedIdx.values()].sort((a, b) => a - b),
      `${where}: the pinned map is the pinned VMs' idx`,
    );
    for (const idx of pins.pinnedIdx)
      assert.ok(snapshot.allocatedIdx.includes(idx), `${where}: pinned idx ${idx} in the bitmap`);
    const currentIds = ids.filter(current);
    assert.equal(new Set(currentIds).size, currentIds.length, `${where}: unique current ids`);
    for (const reservation of snapshot.reserved) {
      if (idxOf(reservation) !== 0)
        assert.ok(ids.includes(reservation), `${where}: reservation ${reservation} is a VM's id`);
    }
  }
}

describe("pinned ids: properties", () => {
  for (const backend of BACKENDS) {
    test(`${backend.name} memory: every property after every event (seed 4301)`, () => {
      let pins = 0;
      let pinnedKeeps = 0;
      let rollovers = 0;
      fc.assert(
        fc.property(pinTraceArbitrary, (trace) => {
          const allocator = backend.make(trace.bits, trace.cpus);
          replayWithPinChecks(allocator, trace);
          pins += allocator.counters.pins;
          pinnedKeeps += allocator.counters.pinnedKeeps;
          rollovers += allocator.counters.rollovers;
        }),
        seeded(4301, 200),
      );
      // Not vacuous: pins were taken, and pinned VMs kept their idx through rollovers.
      assert.ok(pins >= 1000, `only ${pins} pins`);
      assert.ok(rollovers >= 500, `only ${rollovers} rollovers`);
      assert.ok(pinnedKeeps >= 100, `only ${pinnedKeeps} pinned idx kept by new_vmid`);
    });
  }

  // Each mutant must break a property on some trace: the suite can tell it from the correct
  // allocator. Which property: forget-pinned-map lets another VM take a pinned idx;
  // pinned-before-reserved leaves reservations naming an id no VM holds.
  const mutants: { readonly mutant: MutantName; readonly broken: RegExp; readonly seed: number }[] =
    [
      { mutant: "forget-pinned-map", broken: /with VM \d+'s pinned idx/, seed: 4302 },
      { mutant: "pinned-before-reserved", broken: /is a VM's id/, seed: 4303 },
    ];
  for (const { mutant, broken, seed } of mutants) {
    test(`mutant ${mutant} breaks a property: ${broken.source} (seed ${seed})`, () => {
      const details = fc.check(
        fc.property(pinTraceArbitrary, (trace) => {
          replayWithPinChecks(
            createAllocator({ bits: trace.bits, cpus: trace.cpus, mutant }),
            trace,
          );
        }),
        { seed, numRuns: 500 },
      );
      assert.equal(details.failed, true, "no trace broke a property");
      assert.match(String((details.errorInstance as Error).message), broken);
    });
  }
});
