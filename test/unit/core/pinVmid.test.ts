import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAllocator, createAllocatorOver } from "../../../src/core/createAllocator.js";
import { idSpace } from "../../../src/core/IdSpace.js";
import { maxPinned, maxPinnedIn } from "../../../src/core/maxPinned.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { createSharedMemory } from "../../../src/mem/sharedMemory.js";
import { BACKENDS } from "../../_support/traces.js";

/*
 * Hand-derived cases of pin/unpin (the ASID allocator's arm64_mm_context_get/put). Ids are
 * generation | idx: with bits 2, N = 4, generation 1 is 4 (ids 5, 6, 7), generation 2 is 8
 * (ids 9, a, b). maxPinned = N - cpus - 2.
 */

describe("maxPinned", () => {
  test("N - cpus - 2: bits 2 with 1 CPU allows 1, with 2 CPUs none; bits 8 with 4 CPUs 250", () => {
    assert.equal(maxPinned(4, 1), 1);
    assert.equal(maxPinned(4, 2), 0);
    assert.equal(maxPinned(256, 4), 250);
    // The caller passes the usable count: 16 ids in pairs are 8 usable, 8 - 2 - 2 = 4.
    assert.equal(maxPinned(8, 2), 4);
  });

  test("of an id space: N = 2^bits, halved under KPTI (asids_update_limit)", () => {
    // bits 4, 2 CPUs: 16 - 2 - 2 = 12 for either allocator without KPTI.
    assert.equal(maxPinnedIn(idSpace(4), 2), 12);
    assert.equal(maxPinnedIn(idSpace(4, { allocator: "asid" }), 2), 12);
    // KPTI: 16 ids in pairs, N = 8: 8 - 2 - 2 = 4.
    assert.equal(maxPinnedIn(idSpace(4, { allocator: "asid", kpti: true }), 2), 4);
    // bits 3 with KPTI on 2 CPUs: N = 4, 4 - 2 - 2 = 0: no pins.
    assert.equal(maxPinnedIn(idSpace(3, { allocator: "asid", kpti: true }), 2), 0);
  });

  test("the allocator's limit: halved under KPTI", () => {
    const kpti = createAllocator({ bits: 4, cpus: 2, allocator: "asid", kpti: true });
    assert.equal(kpti.pinSnapshot().maxPinned, 4);
    const plain = createAllocator({ bits: 4, cpus: 2, allocator: "asid" });
    assert.equal(plain.pinSnapshot().maxPinned, 12);
    // bits 3, 1 CPU, KPTI: N = 4, maxPinned 1; a second VM's pin fails at the limit.
    const small = createAllocator({ bits: 3, cpus: 1, allocator: "asid", kpti: true });
    assert.equal(small.pin(1).pinned, true);
    assert.deepEqual(small.pin(2), { pinned: false, reason: "limit-reached", maxPinned: 1 });
  });
});

for (const backend of BACKENDS) {
  describe(`pin and unpin, ${backend.name} memory`, () => {
    const make = (bits: number, cpus: number) => backend.make(bits, cpus, "scan", () => {});

    test("a pinned idx survives a rollover that no CPU's reservation would keep", () => {
      const allocator = make(2, 1); // maxPinned 4 - 1 - 2 = 1
      // VM 1 never ran (id 0, stale): new_vmid's fresh search from curIdx 1 gives idx 1.
      assert.deepEqual(allocator.pin(1), { pinned: true, id: 5n, pinCount: 1 });
      // Pinned already: the count goes up, the id is the one it holds.
      assert.deepEqual(allocator.pin(1), { pinned: true, id: 5n, pinCount: 2 });
      // One VM pinned and the limit is 1: VM 2's pin fails and changes nothing.
      assert.deepEqual(allocator.pin(2), {
        pinned: false,
        reason: "limit-reached",
        maxPinned: 1,
      });
      assert.equal(allocator.vmidOf(2), 0n);
      assert.deepEqual(allocator.pinSnapshot(), { maxPinned: 1, pinnedCount: 1, pinnedIdx: [1] });
      // VM 2 and VM 3 search from curIdx 1: bit 1 is set (VM 1's), so idx 2 then 3.
      assert.equal(allocator.update(0, 2), 6n);
      assert.equal(allocator.update(0, 3), 7n);
      // VM 4: no clear bit from curIdx 3: rollover to 8. The bitmap starts as the pinned map
      // {1}; CPU 0's active 7 reserves idx 3: {1, 3}; the search from 1 finds idx 2: 8|2 = a.
      assert.equal(allocator.update(0, 4), 0xan);
      assert.deepEqual(allocator.snapshot().allocatedIdx, [1, 2, 3]);
      assert.deepEqual(allocator.snapshot().reserved, [7n]);
      // VM 1's 5 is stale and no CPU reserves it; it is pinned, so it keeps idx 1: 8|1 = 9.
      assert.equal(allocator.update(0, 1), 9n);
      assert.equal(allocator.counters.pinnedKeeps, 1);
      assert.equal(allocator.counters.reservedHits, 0);
      // Two unpins: the count reaches 0 at the second, and the pinned map empties.
      assert.equal(allocator.unpin(1), 1);
      assert.deepEqual(allocator.pinSnapshot().pinnedIdx, [1]);
      assert.equal(allocator.unpin(1), 0);
      assert.deepEqual(allocator.pinSnapshot(), { maxPinned: 1, pinnedCount: 0, pinnedIdx: [] });
      assert.throws(() => allocator.unpin(1), VmidInputError);
      // Two successful pins (the second only counted), one failure.
      assert.deepEqual(
        { pins: allocator.counters.pins, failures: allocator.counters.pinFailures },
        { pins: 2, failures: 1 },
      );
    });

    test("a configuration with maxPinned 0 allows no pins, and says so", () => {
      const allocator = make(2, 2); // 4 - 2 - 2 = 0
      assert.deepEqual(allocator.pin(1), {
        pinned: false,
        reason: "no-pins-allowed",
        maxPinned: 0,
      });
      assert.equal(allocator.vmidOf(1), 0n);
      assert.equal(allocator.pinCountOf(1), 0);
      assert.equal(allocator.counters.pinFailures, 1);
    });

    test("a pin of a VM whose id is current keeps the id; one that must search may roll over", () => {
      const allocator = make(2, 1);
      assert.equal(allocator.update(0, 1), 5n);
      assert.equal(allocator.update(0, 2), 6n);
      assert.equal(allocator.update(0, 3), 7n);
      // VM 2's id 6 is current: pinned as it is, no search.
      assert.deepEqual(allocator.pin(2), { pinned: true, id: 6n, pinCount: 1 });
      assert.equal(allocator.counters.freshAllocations, 3);
      assert.equal(allocator.unpin(2), 0);
      // VM 4 never ran: new_vmid finds no clear bit from curIdx 3 and rolls over inside the
      // pin (nothing pinned now: the bitmap starts empty; CPU 0's active 7 reserves idx 3),
      // then takes idx 1: 9. Its idx is pinned; nothing is published in active.
      assert.deepEqual(allocator.pin(4), { pinned: true, id: 9n, pinCount: 1 });
      assert.equal(allocator.counters.rollovers, 1);
      assert.deepEqual(allocator.snapshot().active, [0n]);
      assert.deepEqual(allocator.pinSnapshot().pinnedIdx, [1]);
    });

    test("the reserved lookup comes first: a pinned VM's reservations are renewed", () => {
      const allocator = make(2, 1);
      assert.deepEqual(allocator.pin(1), { pinned: true, id: 5n, pinCount: 1 });
      assert.equal(allocator.update(0, 2), 6n);
      assert.equal(allocator.update(0, 3), 7n);
      // VM 1's id 5 is current and active[0] = 7 is non-zero: fast path, active[0] = 5.
      assert.equal(allocator.update(0, 1), 5n);
      // VM 4: rollover to 8; bitmap {1} from the pinned map, CPU 0 reserves 5 (idx 1): VM 4
      // gets idx 2: a.
      assert.equal(allocator.update(0, 4), 0xan);
      assert.deepEqual(allocator.snapshot().reserved, [5n]);
      // VM 1's 5 is stale; CPU 0 reserves it: the lookup renews the reservation to 9 first.
      assert.equal(allocator.update(0, 1), 9n);
      assert.deepEqual(allocator.snapshot().reserved, [9n]);
      assert.equal(allocator.counters.reservedHits, 1);
      assert.equal(allocator.counters.pinnedKeeps, 0);
    });
  });
}

describe("pin mutants (plain memory)", () => {
  test("forget-pinned-map: the rollover hands the pinned idx to another VM", () => {
    // The first case's trace: with the pinned map forgotten, the rollover's bitmap is only
    // CPU 0's reservation {3}, so VM 4's search from 1 takes idx 1 (VM 1's, pinned): 9. VM 1
    // then keeps idx 1 as a pinned VM: two VMs hold 9 in generation 8.
    const allocator = createAllocator({ bits: 2, cpus: 1, mutant: "forget-pinned-map" });
    assert.equal(allocator.pin(1).pinned, true);
    assert.equal(allocator.update(0, 2), 6n);
    assert.equal(allocator.update(0, 3), 7n);
    assert.equal(allocator.update(0, 4), 9n);
    assert.equal(allocator.update(0, 1), 9n);
  });

  test("pinned-before-reserved: CPU 0's reservation keeps the old id 5, which no VM holds", () => {
    // The reserved-first case's trace; the mutant returns at the pinned check, before the
    // lookup that would have renewed reserved[0].
    const allocator = createAllocator({ bits: 2, cpus: 1, mutant: "pinned-before-reserved" });
    assert.equal(allocator.pin(1).pinned, true);
    assert.equal(allocator.update(0, 2), 6n);
    assert.equal(allocator.update(0, 3), 7n);
    assert.equal(allocator.update(0, 1), 5n);
    assert.equal(allocator.update(0, 4), 0xan);
    assert.equal(allocator.update(0, 1), 9n);
    assert.deepEqual(allocator.snapshot().reserved, [5n]);
    assert.equal(allocator.counters.pinnedKeeps, 1);
    assert.equal(allocator.counters.reservedLookups, 0);
  });

  test("pinned-before-reserved on 2 CPUs: a VM runs under two idx at once", () => {
    // bits 3: N = 8, generation 8 holds ids 9..f, 0x10 holds 0x11..0x17, 0x18 holds 0x19..0x1f.
    // 2 CPUs: maxPinned 8 - 2 - 2 = 4. CPU 0 runs VM 1 and then makes no update (the
    // "suspended animation" of docs/allocator.md: a CPU that stays in its guest). CPU 1 fills
    // generations until two rollovers have passed.
    const run = (mutant: "pinned-before-reserved" | undefined) => {
      const allocator = createAllocator({ bits: 3, cpus: 2, mutant });
      assert.equal(allocator.pin(1).pinned, true); // fresh idx 1: 9
      assert.equal(allocator.update(0, 1), 9n); // CPU 0 runs VM 1 from here on
      // VMs 2..7 take idx 2..7 (a..f) on CPU 1; VM 8 finds none from curIdx 7: rollover to
      // 0x10: bitmap = pinned {1}, CPU 0 reserves 9 (idx 1), CPU 1 reserves f (idx 7);
      // VM 8 gets idx 2: 0x12.
      for (let vm = 2; vm <= 7; vm++) assert.equal(allocator.update(1, vm), BigInt(8 + vm));
      assert.equal(allocator.update(1, 8), 0x12n);
      // VM 1 on CPU 1: 9 is stale. Correct: the reserved lookup finds CPU 0's 9 and renews it
      // to 0x11. Mutant: VM 1 is pinned, so it returns 0x11 first and CPU 0 keeps 9.
      assert.equal(allocator.update(1, 1), 0x11n);
      assert.deepEqual(allocator.snapshot().reserved, [mutant === undefined ? 0x11n : 9n, 0xfn]);
      assert.equal(allocator.unpin(1), 0);
      // VMs 2..5 renew on CPU 1: their old idx are taken (2 by VM 8, the others one by one),
      // so each searches on from curIdx: 3, 4, 5, 6 (0x13..0x16). VM 6 finds 6 and 7 set
      // (7 is CPU 1's reservation): rollover to 0x18: bitmap = pinned {} (VM 1 unpinned);
      // CPU 0's active is 0 (zeroed by the first rollover, no update since), so its
      // reservation stays: idx 1 either way; CPU 1 reserves 0x16 (idx 6). VM 6 gets idx 2.
      for (let vm = 2; vm <= 5; vm++) assert.equal(allocator.update(1, vm), BigInt(0x10 + vm + 1));
      assert.equal(allocator.update(1, 6), 0x1an);
      // VM 1 on CPU 1 again, its 0x11 stale. Correct: CPU 0 reserves 0x11: renewed, VM 1 keeps
      // idx 1 (0x19), the idx CPU 0 still runs it under. Mutant: CPU 0 reserves 9, no match;
      // not pinned any more; bit 1 is set (CPU 0's reservation): fresh search from curIdx 2:
      // 3, so VM 1 runs under idx 3 on CPU 1 while CPU 0 runs it under idx 1.
      return allocator.update(1, 1);
    };
    assert.equal(run(undefined), 0x19n);
    assert.equal(run("pinned-before-reserved"), 0x1bn);
  });

  test("the shared backend lays the pin state out in its buffer: a second view sees it", () => {
    const memory = createSharedMemory(3, 2, 8); // maxPinned 8 - 2 - 2 = 4
    const first = createAllocatorOver(memory);
    assert.deepEqual(first.pin(3), { pinned: true, id: 9n, pinCount: 1 });
    const second = createAllocatorOver(memory);
    assert.equal(second.pinCountOf(3), 1);
    assert.deepEqual(second.pinSnapshot(), { maxPinned: 4, pinnedCount: 1, pinnedIdx: [1] });
    assert.equal(second.unpin(3), 0);
    assert.deepEqual(first.pinSnapshot().pinnedIdx, []);
  });
});
