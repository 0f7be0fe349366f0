import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type AllocatorOptions,
  createAllocator,
  createAllocatorOver,
  type VmidAllocator,
} from "../../../src/core/createAllocator.js";
import {
  ASID_GENERATION_STEP,
  availableIdCount,
  generationStep,
  idSpace,
  usableIdCount,
} from "../../../src/core/IdSpace.js";
import { STRATEGY_NAMES } from "../../../src/core/strategies/ReservedLookup.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { validateConfig } from "../../../src/core/validateConfig.js";
import { createSharedMemory } from "../../../src/mem/sharedMemory.js";
import { seeded } from "../../_support/seeded.js";
import { type Trace, traceArbitrary } from "../../_support/traces.js";

/*
 * The ASID allocator as a configuration of the core (docs/allocator.md#asid-allocator): its
 * id space (generation unit 2^16, KPTI pairs, the halved ids-versus-CPUs check), and two
 * properties that tie it to the VMID allocator without running a second algorithm.
 */

const inputError = (pattern: RegExp) => (error: unknown) =>
  error instanceof VmidInputError && pattern.test(error.message);

/** A trace without puts (the ASID allocator has none). */
function runsOnly(trace: Trace): Trace {
  return { ...trace, events: trace.events.filter((event) => event.kind === "run") };
}

type AnyAllocator = VmidAllocator<number> | VmidAllocator<bigint>;

/** The ASID allocator's two backends: plain memory, and shared memory driven by one thread. */
const ASID_BACKENDS: readonly {
  readonly name: string;
  readonly make: (options: AllocatorOptions) => AnyAllocator;
}[] = [
  { name: "plain", make: (options) => createAllocator(options) },
  {
    name: "shared",
    make: (options) =>
      createAllocatorOver(
        createSharedMemory(options.bits, options.cpus, 4 * 2 ** options.bits, options),
        options,
      ),
  },
];

describe("the ASID allocator's id space", () => {
  test("KPTI halves the available ids and the ids-versus-CPUs check uses the half", () => {
    const kpti = idSpace(8, { allocator: "asid", kpti: true });
    // 2^8 = 256 ids; KPTI pairs: 128 available (idx 0 included), 127 usable (even idx 2..254
    // and the pair's user half make 127 pairs; idx 0 is never handed out).
    assert.equal(availableIdCount(kpti), 128);
    assert.equal(usableIdCount(kpti), 127);
    assert.equal(availableIdCount(idSpace(8, { allocator: "asid" })), 256);
    assert.equal(availableIdCount(idSpace(8)), 256);
    validateConfig(8, 126, { allocator: "asid", kpti: true });
    assert.throws(
      () => validateConfig(8, 127, { allocator: "asid", kpti: true }),
      inputError(/127 usable VMIDs \(KPTI pairs\) for 127 CPUs/),
    );
    validateConfig(8, 254, { allocator: "asid" }); // without KPTI: 255 usable > 254
    validateConfig(3, 2, { allocator: "asid", kpti: true }); // idx 2, 4, 6 for 2 CPUs
    assert.throws(() => validateConfig(3, 3, { allocator: "asid", kpti: true }), VmidInputError);
  });

  test("the generation unit is 2^16 for ASIDs, 2^bits for VMIDs", () => {
    assert.equal(generationStep(idSpace(8, { allocator: "asid" })), 65_536);
    assert.equal(generationStep(idSpace(16, { allocator: "asid" })), 65_536);
    assert.equal(generationStep(idSpace(8)), 256);
    assert.throws(() => idSpace(17, { allocator: "asid" }), inputError(/at most 16 bits/));
    assert.throws(() => idSpace(8, { kpti: true }), inputError(/KPTI applies only/));
    assert.throws(
      () => idSpace(8, { allocator: "bogus" as "asid" }),
      inputError(/unknown allocator 'bogus'/),
    );
  });

  test("asid: deferred flush by default and only; no put", () => {
    const allocator = createAllocator({ bits: 4, cpus: 2, allocator: "asid" });
    assert.equal(allocator.flush, "deferred");
    assert.equal(allocator.space.allocator, "asid");
    assert.equal(allocator.update(0, 1), 0x10002n); // idx 1 is a KPTI bit until the first rollover
    assert.throws(() => allocator.clearActive(0), inputError(/has no put/));
    assert.throws(
      () => createAllocator({ bits: 4, cpus: 2, allocator: "asid", flush: "broadcast" }),
      inputError(/flush deferred/),
    );
    assert.throws(
      () => createAllocator({ bits: 4, cpus: 2, allocator: "asid", mutant: "clear-to-zero" }),
      inputError(/changes the put/),
    );
  });

  test("a fresh ASID allocator's bitmap holds the KPTI pattern; KPTI keeps it at every rollover", () => {
    // bits 3, 1 CPU: idx 1, 3, 5, 7 set at init. With KPTI the second rollover's map is
    // {1,3,5,7} plus CPU 0's reservation; without KPTI it is only the reservation.
    const kpti = createAllocator({ bits: 3, cpus: 1, allocator: "asid", kpti: true });
    const plain = createAllocator({ bits: 3, cpus: 1, allocator: "asid" });
    for (const allocator of [kpti, plain]) {
      assert.deepEqual(allocator.snapshot().allocatedIdx, [1, 3, 5, 7]);
    }
    // VMs 1, 2, 3 take idx 2, 4, 6; VM 4 rolls over to generation 2 << 16, CPU 0 reserving
    // idx 6 (VM 3's), and takes the first clear idx: 2 under KPTI, 1 without.
    for (const vm of [1, 2, 3, 4]) {
      kpti.update(0, vm);
      plain.update(0, vm);
    }
    assert.equal(kpti.vmidOf(4), 0x20002n);
    assert.deepEqual(kpti.snapshot().allocatedIdx, [1, 2, 3, 5, 6, 7]);
    assert.equal(plain.vmidOf(4), 0x20001n);
    assert.deepEqual(plain.snapshot().allocatedIdx, [1, 6]);
  });
});

describe("the ASID allocator's properties", () => {
  for (const backend of ASID_BACKENDS) {
    for (const strategy of STRATEGY_NAMES) {
      test(`KPTI at bits B is the VMID allocator (deferred flush) at bits B - 1 with idx doubled: ${backend.name} memory, ${strategy} (seed 4301)`, () => {
        // Why: under KPTI every odd bit is set whenever the bitmap is rebuilt (init and every
        // rollover) and only even idx are set otherwise, so bit 2k plays the part of bit k of a
        // map half as long: the search from curIdx finds 2k exactly when the half map's finds
        // k, a reservation of 2k (idx 0 for a CPU with none) sets bit 2k, the old-idx test
        // reads bit 2k, and the half map is full exactly when the KPTI map is. The ids then
        // differ only in the idx (doubled) and the generation unit (2^16 instead of 2^(B-1)).
        let rollovers = 0;
        fc.assert(
          fc.property(traceArbitrary({ minBits: 2, maxBits: 7 }), (raw) => {
            const trace = runsOnly(raw);
            const half = trace.bits;
            const kpti = backend.make({
              bits: half + 1,
              cpus: trace.cpus,
              strategy,
              allocator: "asid",
              kpti: true,
            });
            const vmid = createAllocator({
              bits: half,
              cpus: trace.cpus,
              strategy,
              flush: "deferred",
            });
            for (const event of trace.events) {
              if (event.kind !== "run") continue;
              const expected = BigInt(vmid.update(event.cpu, event.vm));
              const generation = expected >> BigInt(half);
              const idx = expected & ((1n << BigInt(half)) - 1n);
              const want = generation * BigInt(ASID_GENERATION_STEP) + 2n * idx;
              assert.equal(kpti.update(event.cpu, event.vm), want, JSON.stringify(event));
            }
            const { counters: k } = kpti;
            const { counters: v } = vmid;
            assert.deepEqual(
              [k.rollovers, k.fastPathHits, k.reservedHits, k.oldIdxReuses, k.localFlushes],
              [v.rollovers, v.fastPathHits, v.reservedHits, v.oldIdxReuses, v.localFlushes],
            );
            rollovers += v.rollovers;
          }),
          seeded(4301, 100),
        );
        assert.ok(rollovers >= 100, `only ${rollovers} rollovers`);
      });

      test(`ids are generation x 2^16 | idx, even idx under KPTI, and the first generation uses even idx only: ${backend.name} memory, ${strategy} (seed 4302)`, () => {
        fc.assert(
          fc.property(traceArbitrary({ minBits: 3, maxBits: 6 }), fc.boolean(), (raw, kpti) => {
            const trace = runsOnly(raw);
            const ids = 2 ** trace.bits;
            const cpus = kpti ? 1 + (trace.cpus % (ids / 2 - 2)) : trace.cpus;
            const allocator = backend.make({
              bits: trace.bits,
              cpus,
              strategy,
              allocator: "asid",
              kpti,
            });
            for (const event of trace.events) {
              if (event.kind !== "run") continue;
              const id = allocator.update(event.cpu % cpus, event.vm);
              const generation = BigInt(id) >> 16n;
              const idx = Number(BigInt(id) & 0xffffn);
              assert.ok(idx > 0 && idx < ids, `idx ${idx} of ${id.toString(16)}`);
              if (kpti || generation === 1n)
                assert.equal(idx % 2, 0, `odd idx in ${id.toString(16)}`);
              const snapshot = allocator.snapshot();
              assert.equal(snapshot.generation % BigInt(ASID_GENERATION_STEP), 0n);
              if (kpti) {
                for (let odd = 1; odd < ids; odd += 2)
                  assert.ok(snapshot.allocatedIdx.includes(odd));
              }
            }
          }),
          seeded(4302, 100),
        );
      });
    }
  }
});
