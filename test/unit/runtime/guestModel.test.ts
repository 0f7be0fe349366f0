import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSharedMemory, type SharedMemory } from "../../../src/mem/sharedMemory.js";
import { GuestModel } from "../../../src/runtime/GuestModel.js";
import { readViolation } from "../../../src/runtime/readViolation.js";
import {
  RING_EVENTS,
  type RuntimeLayout,
  runtimeLayout,
} from "../../../src/runtime/runtimeLayout.js";
import { VIOLATION_KINDS } from "../../../src/runtime/Violation.js";

/*
 * The guest-side checks driven by hand on one thread, over a runtime buffer and an allocator
 * memory made here (no allocator runs: the tests store the generation and reservations the
 * allocator would have left, and enter guests with chosen ids).
 *
 * Notation: bits 4, so N = 16 ids per generation, usable idx 1..15, and an id is
 * generation | idx with generations 16 (G1, index 1), 32 (G2, index 2), ...
 * E.g. G1 | 1 = 0x11 and G2 | 1 = 0x21; the ring buffer shows ids in hex without 0x.
 * TLB entries are (flush epoch << 32 | vm); the epoch starts at 1 and each flush() adds 1.
 */
const BITS = 4;
const CPUS = 3;
const VMS = 4;
const VCPUS = 2;
const G1 = 16n;
const G2 = 32n;

interface Fixture {
  readonly layout: RuntimeLayout;
  readonly buffer: SharedArrayBuffer;
  readonly model: GuestModel;
  readonly memory: SharedMemory;
  /** vcpuOwner[(vm - 1) * VCPUS + k] = cpu + 1 of the CPU holding VM vm's vCPU k, 0 = free. */
  readonly vcpuOwners: Int32Array;
  /** The TLB entry of `cpu` for `idx`, as (epoch, vm). */
  tlb(cpu: number, idx: number): { epoch: number; vm: number };
}

function setUp(tlbModel = true): Fixture {
  const layout = runtimeLayout(BITS, CPUS, 1, VMS, VCPUS, tlbModel);
  const buffer = new SharedArrayBuffer(layout.byteLength);
  GuestModel.initialise(buffer, layout);
  const model = new GuestModel(buffer, layout, BITS, CPUS, VCPUS, tlbModel);
  const memory = createSharedMemory(BITS, CPUS, VMS);
  assert.equal(memory.loadGeneration(), G1, "a fresh allocator is in generation N = 16");
  const words = new Int32Array(buffer, 0, layout.int32Length);
  const big = new BigInt64Array(buffer, layout.bigBase, layout.bigLength);
  return {
    layout,
    buffer,
    model,
    memory,
    vcpuOwners: words.subarray(layout.vcpuOwnerBase, layout.vcpuOwnerBase + VMS * VCPUS),
    tlb(cpu, idx) {
      const entry = Atomics.load(big, layout.tlbBase + cpu * 2 ** BITS + idx);
      return { epoch: Number(entry >> 32n), vm: Number(entry & 0xffffffffn) };
    },
  };
}

const report = (f: Fixture, afterUpdates = 0) =>
  readViolation(f.buffer, f.layout, BITS, afterUpdates);

describe("GuestModel (a) UniqueVMIDPerCPU", () => {
  // Proves (a) catches a fill of VM 2 over VM 1's entry under one idx in one flush epoch:
  // CPU 0 runs VM 1 with 0x11 (idx 1), entry (1, VM 1); a rollover to G2 without a flush (the
  // no-flush mutant) gives VM 2 the id 0x21 (idx 1 again); CPU 0 entering VM 2 finds (1, VM 1),
  // the same epoch and another VM. (b) does not fire: idx 1 was VM 1's in generation index 1,
  // VM 2 claims it for index 2. (c) does not: 0x21 is of the current generation G2.
  test("a fill of VM y over VM x's entry in the same epoch is a violation", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1 | 1n, f.memory, undefined), undefined);
    assert.deepEqual(f.tlb(0, 1), { epoch: 1, vm: 1 });
    f.model.exitGuest(0);
    f.memory.storeGeneration(G2);
    assert.equal(f.model.stopRequested(), false);

    assert.equal(f.model.enterGuest(0, 2, G2 | 1n, f.memory, undefined), "unique-vmid-per-cpu");
    assert.equal(f.model.stopRequested(), true);
    assert.deepEqual(report(f, 2), {
      kind: "unique-vmid-per-cpu",
      description: VIOLATION_KINDS["unique-vmid-per-cpu"],
      cpu: 0,
      otherCpu: -1,
      vm: 2,
      otherVm: 1,
      idx: 1,
      afterUpdates: 2,
      recentEvents: {
        0: [
          { sequence: 1, kind: "run", vm: 1, id: "11" },
          { sequence: 2, kind: "run", vm: 2, id: "21" },
        ],
      },
    });
  });

  // Proves a flush between the two fills makes the same sequence legal: flush() moves the
  // epoch to 2, so (1, VM 1) is stale and VM 2's fill stores (2, VM 2). The flush is in the
  // ring with the generation it started (0x20).
  test("after a flush() the same fill is not a violation", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1 | 1n, f.memory, undefined), undefined);
    f.model.exitGuest(0);
    f.memory.storeGeneration(G2);
    f.model.flush(0, G2);
    assert.equal(Atomics.load(new Int32Array(f.buffer), f.layout.flushEpoch), 2);

    assert.equal(f.model.enterGuest(0, 2, G2 | 1n, f.memory, undefined), undefined);
    assert.deepEqual(f.tlb(0, 1), { epoch: 2, vm: 2 });
    assert.equal(report(f), undefined);
    assert.equal(f.model.stopRequested(), false);
  });

  // Proves refill() re-stamps a CPU's entry with the current epoch while it stays in the
  // guest: CPU 0 in VM 1's guest (idx 1) survives a flush (epoch 2) and refills (2, VM 1); a
  // later fill of VM 2 under idx 1 in epoch 2 is then caught. Without the refill the entry
  // would be (1, VM 1), flushed, and no violation.
  test("a refill after a flush makes the entry live again", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1 | 1n, f.memory, undefined), undefined);
    f.memory.storeGeneration(G2);
    f.model.flush(1, G2);
    assert.equal(f.model.refill(0), undefined);
    assert.deepEqual(f.tlb(0, 1), { epoch: 2, vm: 1 });
    f.model.exitGuest(0);
    assert.equal(f.model.refill(0), undefined, "a CPU out of any guest fills nothing");

    assert.equal(f.model.enterGuest(0, 2, G2 | 1n, f.memory, undefined), "unique-vmid-per-cpu");
    assert.equal(report(f)?.otherVm, 1);
  });

  // Proves a model built with tlbModel false (--no-tlb-model) skips check (a) entirely: the
  // sequence of the first test is not reported.
  test("without the TLB model, (a) is not checked", () => {
    const f = setUp(false);
    assert.equal(f.model.enterGuest(0, 1, G1 | 1n, f.memory, undefined), undefined);
    f.model.exitGuest(0);
    f.memory.storeGeneration(G2);
    assert.equal(f.model.enterGuest(0, 2, G2 | 1n, f.memory, undefined), undefined);
    assert.equal(report(f), undefined);
  });
});

describe("GuestModel (b) one VM per current id", () => {
  // Proves (b): CPU 0 enters VM 1 with 0x12, claiming idx 2 for (generation index 1, VM 1);
  // CPU 1 entering VM 2 with the same 0x12 finds that claim with another VM. CPU 1's own TLB
  // is empty, so (a) cannot be what fires.
  test("two VMs entering with the same id is a violation", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1 | 2n, f.memory, undefined), undefined);
    assert.equal(f.model.enterGuest(1, 2, G1 | 2n, f.memory, undefined), "shared-current-id");
    const found = report(f);
    assert.equal(found?.kind, "shared-current-id");
    assert.deepEqual(
      [found?.cpu, found?.otherCpu, found?.vm, found?.otherVm, found?.idx],
      [1, -1, 2, 1, 2],
    );
  });

  // Proves the check is about two *VMs*: one VM entering on two CPUs with one id is fine, and
  // so is another VM taking idx 2 in a later generation (0x22 claims index 2 over index 1).
  test("one VM on two CPUs with one id, or idx reuse in a later generation, is fine", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1 | 2n, f.memory, undefined), undefined);
    assert.equal(f.model.enterGuest(1, 1, G1 | 2n, f.memory, undefined), undefined);
    f.model.exitGuest(0);
    f.model.exitGuest(1);
    f.memory.storeGeneration(G2);
    f.model.flush(0, G2);
    assert.equal(f.model.enterGuest(2, 3, G2 | 2n, f.memory, undefined), undefined);
    assert.equal(report(f), undefined);
  });
});

describe("GuestModel (c) entry ids", () => {
  // Proves (c) rejects idx 0 (0x10 = G1 | 0: idx 0 is reserved, never handed out).
  test("entering with idx 0 is a violation", () => {
    const f = setUp();
    assert.equal(f.model.enterGuest(0, 1, G1, f.memory, undefined), "entry-idx-zero");
    assert.deepEqual(
      { ...report(f), recentEvents: undefined, description: undefined },
      {
        kind: "entry-idx-zero",
        description: undefined,
        cpu: 0,
        otherCpu: -1,
        vm: 1,
        otherVm: 0,
        idx: 0,
        afterUpdates: 0,
        recentEvents: undefined,
      },
    );
  });

  // Proves a stale id is accepted when its idx is the CPU's reservation: update returned 0x13
  // in G1, then a rollover to G2 reserved CPU 0's active id 0x13 before CPU 0 entered. The
  // entry is legal (the rollover kept idx 3 for this CPU).
  test("entering with a stale id whose idx is reserved for the CPU is fine", () => {
    const f = setUp();
    f.memory.storeGeneration(G2);
    f.memory.reserved[0] = G1 | 3n;
    assert.equal(f.model.enterGuest(0, 1, G1 | 3n, f.memory, undefined), undefined);
    // A later renewal of the reservation to G2 | 3 keeps the idx: still fine.
    f.model.exitGuest(0);
    f.memory.reserved[0] = G2 | 3n;
    assert.equal(f.model.enterGuest(0, 1, G1 | 3n, f.memory, undefined), undefined);
    assert.equal(report(f), undefined);
  });

  // Proves a stale id whose idx is not reserved for *this* CPU is a violation, even when
  // another CPU reserves that idx: CPU 0 reserves idx 4, CPU 1 reserves idx 3, and CPU 0
  // enters with the stale 0x13.
  test("entering with a stale id whose idx is not reserved for the CPU is a violation", () => {
    const f = setUp();
    f.memory.storeGeneration(G2);
    f.memory.reserved[0] = G1 | 4n;
    f.memory.reserved[1] = G1 | 3n;
    assert.equal(f.model.enterGuest(0, 1, G1 | 3n, f.memory, undefined), "entry-stale-id");
    const found = report(f);
    assert.deepEqual([found?.kind, found?.cpu, found?.vm, found?.idx], ["entry-stale-id", 0, 1, 3]);
  });
});

describe("GuestModel (d) SameVMIDActiveTask", () => {
  /** CPU 0 holds VM 1's vCPU 0 and CPU 1 its vCPU 1; CPU 0 is in VM 1's guest with 0x15. */
  function twoVcpusOfVm1(): Fixture {
    const f = setUp();
    Atomics.store(f.vcpuOwners, 0, 0 + 1);
    Atomics.store(f.vcpuOwners, 1, 1 + 1);
    assert.equal(f.model.enterGuest(0, 1, G1 | 5n, f.memory, f.vcpuOwners), undefined);
    f.memory.storeGeneration(G2);
    f.model.flush(1, G2);
    return f;
  }

  // Proves (d): CPU 1 enters VM 1 with 0x26 (idx 6, current) while CPU 0 is in VM 1's guest
  // under idx 5. (b) and (c) pass (idx 6 is free, 0x26 is current), so (d) is what fires, and
  // the report names both CPUs with the last events of each.
  test("two CPUs in the same VM's guest with different idx is a violation", () => {
    const f = twoVcpusOfVm1();
    assert.equal(
      f.model.enterGuest(1, 1, G2 | 6n, f.memory, f.vcpuOwners),
      "same-vmid-active-task",
    );
    assert.deepEqual(report(f, 7), {
      kind: "same-vmid-active-task",
      description: VIOLATION_KINDS["same-vmid-active-task"],
      cpu: 1,
      otherCpu: 0,
      vm: 1,
      otherVm: 1,
      idx: 6,
      afterUpdates: 7,
      recentEvents: {
        0: [{ sequence: 1, kind: "run", vm: 1, id: "15" }],
        1: [
          { sequence: 1, kind: "flush", vm: 0, id: "20" },
          { sequence: 2, kind: "run", vm: 1, id: "26" },
        ],
      },
    });
  });

  // Proves the legal cases: the same idx in the new generation (0x25, what the allocator
  // gives VM 1 through CPU 0's reservation), or a different idx once CPU 0 has left the guest.
  test("the same idx, or a different idx after the other CPU left, is fine", () => {
    const same = twoVcpusOfVm1();
    assert.equal(same.model.enterGuest(1, 1, G2 | 5n, same.memory, same.vcpuOwners), undefined);
    assert.equal(report(same), undefined);

    const left = twoVcpusOfVm1();
    left.model.exitGuest(0);
    assert.equal(left.model.enterGuest(1, 1, G2 | 6n, left.memory, left.vcpuOwners), undefined);
    assert.equal(report(left), undefined);
  });
});

describe("GuestModel violation record and readViolation", () => {
  // Proves only the first violation is recorded: an (c) idx-0 entry on CPU 0 wins the record;
  // a later (b) on CPU 2 is still returned to its caller (so its worker stops) but does not
  // overwrite the record. stopRequested() turns true with the first.
  test("only the first violation is recorded and a stop is requested", () => {
    const f = setUp();
    assert.equal(f.model.stopRequested(), false);
    assert.equal(f.model.enterGuest(0, 1, G1, f.memory, undefined), "entry-idx-zero");
    assert.equal(f.model.stopRequested(), true);
    assert.equal(f.model.enterGuest(1, 2, G1 | 7n, f.memory, undefined), undefined);
    assert.equal(f.model.enterGuest(2, 3, G1 | 7n, f.memory, undefined), "shared-current-id");
    const found = report(f);
    assert.deepEqual([found?.kind, found?.cpu, found?.vm], ["entry-idx-zero", 0, 1]);
    assert.deepEqual(Object.keys(found?.recentEvents ?? {}), ["0"]);
  });

  // Proves readViolation returns nothing on a fresh buffer, and a requestStop() alone (a
  // fault, the end) is a stop without a violation.
  test("no violation: undefined, even after a stop request", () => {
    const f = setUp();
    assert.equal(report(f), undefined);
    f.model.requestStop();
    assert.equal(f.model.stopRequested(), true);
    assert.equal(report(f), undefined);
  });

  // Proves the ring keeps the last RING_EVENTS (16) events of a CPU, oldest first: CPU 2 puts
  // 19 times, then enters with idx 0 (event 20); the report has events 5..20: 15 puts (no id,
  // VM 0) and the run of VM 3 with 0x10.
  test("the report carries the CPU's last 16 events, oldest first", () => {
    const f = setUp();
    for (let i = 0; i < 19; i++) f.model.recordPut(2);
    assert.equal(f.model.enterGuest(2, 3, G1, f.memory, undefined), "entry-idx-zero");
    const events = report(f)?.recentEvents[2] ?? [];
    assert.equal(RING_EVENTS, 16);
    assert.deepEqual(events, [
      ...Array.from({ length: 15 }, (_, i) => ({ sequence: 5 + i, kind: "put", vm: 0, id: "" })),
      { sequence: 20, kind: "run", vm: 3, id: "10" },
    ]);
  });
});

describe("GuestModel (e) pinned idx", () => {
  // Proves (e) compares the idx a pin was taken with to the VM's id read now: VM 2 pinned
  // with idx 3 (G1 | 3 = 0x13); renewed in G2 keeping idx 3 (0x23) it passes; with idx 4
  // (0x24) it is a violation naming VM 2 and the pinned idx 3, and a stop is requested.
  test("a pinned VM whose idx moved is a violation; a renewal keeping the idx is not", () => {
    const f = setUp();
    assert.equal(f.model.checkPinned(0, 2, 3, G1 | 3n), undefined);
    assert.equal(f.model.checkPinned(0, 2, 3, G2 | 3n), undefined);
    assert.equal(f.model.stopRequested(), false);
    assert.equal(f.model.checkPinned(1, 2, 3, G2 | 4n), "pinned-idx-changed");
    assert.equal(f.model.stopRequested(), true);
    const v = report(f, 10);
    assert.deepEqual(
      { kind: v?.kind, cpu: v?.cpu, vm: v?.vm, idx: v?.idx },
      { kind: "pinned-idx-changed", cpu: 1, vm: 2, idx: 3 },
    );
    assert.equal(v?.description, VIOLATION_KINDS["pinned-idx-changed"]);
  });
});
