import type { SharedMemory } from "../mem/sharedMemory.js";
import {
  RING_EVENTS,
  RingField,
  RingKind,
  type RuntimeLayout,
  ViolationField,
} from "./runtimeLayout.js";
import { VIOLATION_KIND_NAMES, type ViolationKind } from "./Violation.js";

const LOW_32 = 0xffffffffn;

/**
 * The guest side of the hardware, as each CPU's worker sees it, over the runtime's shared
 * buffer. After `update` returns id v for VM x on CPU c, c enters the guest (`enterGuest`)
 * and fills its TLB with entries tagged (idx(v), x); while it stays in the guest it refills
 * (`refill`, once per round of its worker). A rollover's broadcast flush (`flush`) empties
 * every CPU's TLB by moving the flush epoch: an entry stamped with an older epoch is gone.
 * Under the deferred policy (the ASID allocator) each CPU empties its own (`localFlush`).
 *
 * Each check reads and writes only atomically, and each is made at the moment the event it
 * is about happens, so it cannot miss a violation of what it claims (see the README):
 * - (a) a fill finds an entry of the same idx, same epoch and another VM in that CPU's TLB;
 *   only the CPU's own worker writes its TLB, so a conflicting entry is there to be found;
 * - (b) the per-idx owner word is claimed with compare-exchange at each guest entry, so of
 *   two VMs entering with the same id in one generation, the second sees the first;
 * - (c) checked on the id in hand at entry against the generation and, under the allocator
 *   lock, the CPU's reservation;
 * - (d) at entry, every CPU holding a vCPU of the same VM is read; its guest word is
 *   published before its TLB fill and cleared before it leaves for another update.
 */
export class GuestModel {
  private readonly words: Int32Array;
  private readonly big: BigInt64Array;
  private readonly layout: RuntimeLayout;
  private readonly bits: bigint;
  private readonly idxMask: bigint;
  private readonly idCount: number;
  private readonly vcpus: number;
  private readonly sequences: Int32Array;
  private readonly tlbModel: boolean;

  constructor(
    buffer: SharedArrayBuffer,
    layout: RuntimeLayout,
    bits: number,
    cpus: number,
    vcpus: number,
    tlbModel = true,
  ) {
    this.tlbModel = tlbModel;
    this.layout = layout;
    this.words = new Int32Array(buffer, 0, layout.int32Length);
    this.big = new BigInt64Array(buffer, layout.bigBase, layout.bigLength);
    this.bits = BigInt(bits);
    this.idxMask = (1n << this.bits) - 1n;
    this.idCount = 2 ** bits;
    this.vcpus = vcpus;
    this.sequences = new Int32Array(cpus);
  }

  /** The buffer's initial state: flush epoch 1 (TLB entries stamped 0 are empty). */
  static initialise(buffer: SharedArrayBuffer, layout: RuntimeLayout): void {
    Atomics.store(new Int32Array(buffer, 0, layout.int32Length), layout.flushEpoch, 1);
  }

  /** Whether a stop was requested (a violation, a fault, or the end). */
  stopRequested(): boolean {
    return Atomics.load(this.words, this.layout.stop) !== 0;
  }

  requestStop(): void {
    Atomics.store(this.words, this.layout.stop, 1);
  }

  /** The broadcast flush of a rollover (`__kvm_flush_vm_context`): empties every TLB. */
  flush(cpu: number, generation: bigint): void {
    Atomics.add(this.words, this.layout.flushEpoch, 1);
    this.record(cpu, RingKind.flush, 0, generation);
  }

  /**
   * The deferred flush policy's local flush (the ASID allocator's `local_flush_tlb_all()`):
   * CPU `cpu`, in its own slow path, empties its own TLB. Only the CPU's own worker writes its
   * entries, so clearing them here (stamp 0: empty) races with nothing.
   */
  localFlush(cpu: number): void {
    this.record(cpu, RingKind.flush, 0, 0n);
    if (!this.tlbModel) return;
    const base = this.layout.tlbBase + cpu * this.idCount;
    for (let idx = 0; idx < this.idCount; idx++) Atomics.store(this.big, base + idx, 0n);
  }

  /**
   * CPU `cpu` enters VM `vm`'s guest with the id `id` that update returned. Returns the
   * violation found, if any (after publishing it).
   */
  enterGuest(
    cpu: number,
    vm: number,
    id: bigint,
    memory: SharedMemory,
    vcpuOwners: Int32Array | undefined,
  ): ViolationKind | undefined {
    this.record(cpu, RingKind.run, vm, id);
    const idx = Number(id & this.idxMask);
    if (idx === 0) return this.violation("entry-idx-zero", cpu, -1, vm, 0, idx);

    // (c) The id must be current, or (a rollover came after update published it) the CPU's
    // reservation must hold this idx: that rollover reserved it, and later renewals of the
    // reservation keep the idx. A rollover bumps the generation first and reserves CPU by CPU
    // afterwards, all under the allocator lock, so a stale-looking id is confirmed under that
    // lock: read without it, a rollover in progress that has not reached this CPU yet would
    // look like a violation.
    if (id < memory.loadGeneration()) {
      memory.lock();
      const reserved = memory.reserved[cpu];
      memory.unlock();
      if ((reserved & this.idxMask) !== BigInt(idx))
        return this.violation("entry-stale-id", cpu, -1, vm, 0, idx);
    }

    // (b) Claim (generation index, vm) for this idx unless a newer generation owns it.
    const generationIndex = id >> this.bits;
    const claim = (generationIndex << 32n) | BigInt(vm);
    const ownerSlot = this.layout.ownerBase + idx;
    for (;;) {
      const owner = Atomics.load(this.big, ownerSlot);
      const ownerGeneration = owner >> 32n;
      if (ownerGeneration === generationIndex) {
        const ownerVm = Number(owner & LOW_32);
        if (ownerVm !== vm) return this.violation("shared-current-id", cpu, -1, vm, ownerVm, idx);
        break;
      }
      if (ownerGeneration > generationIndex) break;
      if (Atomics.compareExchange(this.big, ownerSlot, owner, claim) === owner) break;
    }

    // (d) Every other CPU in this VM's guest must use the same idx.
    if (vcpuOwners !== undefined) {
      const first = (vm - 1) * this.vcpus;
      for (let k = 0; k < this.vcpus; k++) {
        const other = Atomics.load(vcpuOwners, first + k) - 1;
        if (other < 0 || other === cpu) continue;
        const guest = Atomics.load(this.big, this.layout.guestBase + other);
        if (guest === 0n || Number(guest >> 32n) !== vm) continue;
        const otherIdx = Number(guest & LOW_32);
        if (otherIdx !== idx)
          return this.violation("same-vmid-active-task", cpu, other, vm, vm, idx);
      }
    }

    Atomics.store(this.big, this.layout.guestBase + cpu, (BigInt(vm) << 32n) | BigInt(idx));
    return this.fill(cpu, idx, vm);
  }

  /** The CPU leaves its guest (before its next update or put). */
  exitGuest(cpu: number): void {
    Atomics.store(this.big, this.layout.guestBase + cpu, 0n);
  }

  /** A CPU still in a guest refills its TLB for that guest. */
  refill(cpu: number): ViolationKind | undefined {
    const guest = Atomics.load(this.big, this.layout.guestBase + cpu);
    if (guest === 0n) return undefined;
    return this.fill(cpu, Number(guest & LOW_32), Number(guest >> 32n));
  }

  /**
   * (e) CPU `cpu` holds a pin of VM `vm`, taken when the VM's idx was `pinnedIdx`, and now
   * reads the VM's id `id` (atomically): a pinned VM's idx must not have changed.
   */
  checkPinned(cpu: number, vm: number, pinnedIdx: number, id: bigint): ViolationKind | undefined {
    const idx = Number(id & this.idxMask);
    if (idx === pinnedIdx) return undefined;
    return this.violation("pinned-idx-changed", cpu, -1, vm, 0, pinnedIdx);
  }

  /** A put: recorded in the CPU's ring buffer. */
  recordPut(cpu: number): void {
    this.record(cpu, RingKind.put, 0, 0n);
  }

  // (a) Only this CPU's worker writes its TLB entries; the epoch is read first, so an entry
  // stamped before a concurrent flush counts as flushed (the fill came before the flush).
  private fill(cpu: number, idx: number, vm: number): ViolationKind | undefined {
    if (!this.tlbModel) return undefined;
    const epoch = BigInt(Atomics.load(this.words, this.layout.flushEpoch));
    const slot = this.layout.tlbBase + cpu * this.idCount + idx;
    const entry = Atomics.load(this.big, slot);
    if (entry >> 32n === epoch) {
      const entryVm = Number(entry & LOW_32);
      if (entryVm !== vm) return this.violation("unique-vmid-per-cpu", cpu, -1, vm, entryVm, idx);
      return undefined;
    }
    Atomics.store(this.big, slot, (epoch << 32n) | BigInt(vm));
    return undefined;
  }

  private record(cpu: number, kind: number, vm: number, id: bigint): void {
    const sequence = ++this.sequences[cpu];
    const entry = cpu * RING_EVENTS + (sequence % RING_EVENTS);
    const base = this.layout.ringBase + entry * RingField.count;
    Atomics.store(this.words, base + RingField.sequence, sequence);
    Atomics.store(this.words, base + RingField.kind, kind);
    Atomics.store(this.words, base + RingField.vm, vm);
    Atomics.store(this.big, this.layout.ringIdBase + entry, id);
  }

  /** Publishes the first violation of the run (later ones are dropped) and requests a stop. */
  private violation(
    kind: ViolationKind,
    cpu: number,
    otherCpu: number,
    vm: number,
    otherVm: number,
    idx: number,
  ): ViolationKind {
    const base = this.layout.violationBase;
    const code = VIOLATION_KIND_NAMES.indexOf(kind) + 1;
    if (Atomics.compareExchange(this.words, base + ViolationField.kind, 0, -1) === 0) {
      Atomics.store(this.words, base + ViolationField.cpu, cpu);
      Atomics.store(this.words, base + ViolationField.otherCpu, otherCpu);
      Atomics.store(this.words, base + ViolationField.vm, vm);
      Atomics.store(this.words, base + ViolationField.otherVm, otherVm);
      Atomics.store(this.words, base + ViolationField.idx, idx);
      Atomics.store(this.words, base + ViolationField.kind, code);
    }
    this.requestStop();
    return kind;
  }
}
