import type { FlushPolicy } from "../core/FlushPolicy.js";
import type { MutantName } from "../core/Mutant.js";
import {
  BITMAP,
  CPU_FIELDS,
  CpuField,
  CUR_IDX,
  FLUSH_PENDING,
  GENERATION,
  generationOf,
  idxOf,
  LOCK,
  MAX_MODEL_PIN_COUNT,
  type ModelLayout,
  tlbBit,
} from "./ModelLayout.js";

/**
 * Where a CPU is in the algorithm. A transition performs one access that another CPU can
 * observe without the lock (active slots, VM ids, the generation, the lock word, the flush
 * marks, the TLBs), together with any accesses to state that only the lock holder touches
 * (bitmap, reservations, curIdx): those commute with every other CPU's steps, because no other
 * CPU can touch that state until the lock is released, so merging them is sound. Four steps
 * hold more than one observable access, each argued sound in the README's model-checker
 * section: `lock` (the lock, then reads of the VM id and the generation, which only lock
 * holders write), `newVmid` (the same reads, then the store of the VM id), `publish` (under
 * `deferred` the test-and-clear of the CPU's mark and its flush, then the store of active and
 * the unlock) and `bumpGeneration` (the generation, then under `deferred` every CPU's mark).
 * `test/unit/check/conformance.test.ts` checks that run one at a time the steps give the core
 * allocator's ids and state; `test/unit/check/interleavedConformance.test.ts` runs the core's
 * CPUs as threads along random schedules of these steps and compares every access and state.
 */
export const Pc = {
  idle: 0,
  /** update: `vmid = atomic64_read(&kvm_vmid->id)`. */
  readVmid: 1,
  /** update: `old = atomic64_read(active)`; if 0, straight to the slow path. */
  readActive: 2,
  /** update: `vmid_gen_match(vmid)` reads the generation. */
  checkGeneration: 3,
  /** update: `cmpxchg(active, old, vmid)`; non-zero: done. */
  compareExchange: 4,
  /** xchg-fastpath mutant: `xchg(active, vmid)`; non-zero: done. */
  exchange: 5,
  /**
   * slow path: take the lock (waits while held), re-read the VM id and the generation. The
   * update's locals `vmid` and `old` are dead while a CPU waits here, and zeroed on the way in
   * (see waitForLock).
   */
  lock: 6,
  /** new_vmid: reservation lookup, old idx, search from curIdx; stores the VM id if found. */
  newVmid: 7,
  /** rollover: generation += N, clear the bitmap (under KPTI: set every odd idx). */
  bumpGeneration: 8,
  /** flush_context: `xchg(active[aux], 0)` and reserve, for aux = 0 .. C-1. */
  flushCpu: 9,
  /** flush_context: the broadcast TLB flush. */
  flush: 10,
  /** new_vmid after a rollover: search from 1, store the VM id. */
  allocateAfterRollover: 11,
  /** slow path end: `active = vmid` and unlock (only this CPU and lock holders read active). */
  publish: 12,
  /** update returned: enter the guest (VTTBR := (vm, idx)) and fill the TLB. */
  enterGuest: 13,
  /** deferred flush policy, after a put's store of INVALID: test-and-clear the CPU's mark, flush if set. */
  putFlush: 14,
  /**
   * pin(vm): take the lock (waits while held) and read the VM's id, its pin count and the
   * generation. Pinned already: count + 1; `maxPinned` VMs pinned: fail; id current: mark its
   * idx in the pinned map, count 1. Each of those ends the pin and releases the lock in this
   * same step (it touches only state the lock guards, so no other CPU can tell the lock was
   * held). A stale id: keep the lock and go to newVmid, as an update's slow path does.
   */
  pinLock: 15,
  /** pin(vm) after newVmid: mark the new id's idx in the pinned map, count 1, unlock. */
  pinPublish: 16,
} as const;

/** Names of the program counters, for counterexamples. */
export const PC_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Pc).map(([n, c]) => [c, n]),
);

/** What a transition did, for counterexamples. */
export const Action = {
  startUpdate: 1,
  put: 2,
  step: 3,
  speculativeFill: 4,
  /** pin(vm) begins on an idle CPU. */
  startPin: 5,
  /** unpin(vm), in one step when the lock is free (see forEachSuccessor). */
  unpin: 6,
} as const;

/** Receives each successor: the new state, the CPU that moved, the action and, for a step, the pc it executed. */
export type SuccessorSink = (next: Int32Array, cpu: number, action: number, detail: number) => void;

/** The model's fixed parameters. */
export interface StepModel {
  readonly layout: ModelLayout;
  /** The generation bound: a rollover from generation index `generations` is cut; Infinity for none. */
  readonly generations: number;
  readonly puts: boolean;
  readonly speculation: boolean;
  readonly mutant: MutantName | undefined;
  /**
   * How rollovers flush TLBs. `deferred`: the rollover marks every CPU (with its bitmap clear,
   * before the per-CPU exchanges) and flushes nothing; a CPU flushes its own TLB when its slow
   * path publishes, and in a step of its own after a put (see core's flushIfPending).
   */
  readonly flush: FlushPolicy;
  /**
   * A CPU leaving its guest for an update can no longer fill TLB entries for it (what KVM's
   * exit path does by installing the host's stage-2 state); off by default, as in the TLA+
   * model, where the last guest stays loaded until the next guest entry.
   */
  readonly exitUnloads: boolean;
  /**
   * Keep TLB contents / the loaded guest in the state. The algorithm never reads either, so
   * when no checked invariant (and no speculation) reads them they are left at 0: states
   * that differ only there have the same futures, and the state space shrinks.
   */
  readonly trackTlb: boolean;
  readonly trackLoaded: boolean;
}

/**
 * Calls `sink` for every successor of `state`, each a fresh array the sink may keep. Returns
 * true when some transition was cut by the generation bound (a rollover beyond `generations`).
 */
export function successors(model: StepModel, state: Int32Array, sink: SuccessorSink): boolean {
  return forEachSuccessor(model, state, new Int32Array(state.length), (next, cpu, action, detail) =>
    sink(next.slice(), cpu, action, detail),
  );
}

/**
 * {@link successors} without allocation: every successor is written into `next` (a scratch
 * array of the state's length) and passed to `sink`, which must be done with it when it
 * returns (the next successor overwrites it). `state` is not modified. Returns true when some
 * transition was cut by the generation bound.
 */
export function forEachSuccessor(
  model: StepModel,
  state: Int32Array,
  next: Int32Array,
  sink: SuccessorSink,
): boolean {
  const { layout } = model;
  let cut = false;
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    const pc = state[base + CpuField.pc];
    if (pc === Pc.idle) {
      // The scheduler: load any VM's vCPU (update), or put the one it runs.
      for (let vm = 1; vm <= layout.vms; vm++) {
        next.set(state);
        next[base + CpuField.pc] = Pc.readVmid;
        next[base + CpuField.vm] = vm;
        if (model.exitUnloads) {
          next[base + CpuField.loadedVm] = 0;
          next[base + CpuField.loadedIdx] = 0;
        }
        sink(next, cpu, Action.startUpdate, vm);
      }
      if (model.puts && state[base + CpuField.loadedVm] !== 0) {
        next.set(state);
        next[layout.active + cpu] = model.mutant === "clear-to-zero" ? 0 : layout.invalid;
        next[base + CpuField.loadedVm] = 0;
        next[base + CpuField.loadedIdx] = 0;
        // Deferred: the test-and-clear of the CPU's mark is a second atomic access.
        if (model.flush === "deferred" && model.mutant !== "no-put-flush")
          next[base + CpuField.pc] = Pc.putFlush;
        sink(next, cpu, Action.put, 0);
      }
      if (layout.pins) pinTransitions(layout, state, next, cpu, base, sink);
    } else {
      next.set(state);
      if (step(model, next, cpu, base, pc)) sink(next, cpu, Action.step, pc);
      else if (pc === Pc.bumpGeneration) cut = true;
    }
    if (model.speculation) {
      const loadedVm = state[base + CpuField.loadedVm];
      if (loadedVm !== 0) {
        const bit = tlbBit(layout, loadedVm, state[base + CpuField.loadedIdx]);
        if ((state[base + CpuField.tlb] & bit) === 0) {
          next.set(state);
          next[base + CpuField.tlb] |= bit;
          sink(next, cpu, Action.speculativeFill, loadedVm);
        }
      }
    }
  }
  return cut;
}

/** Executes CPU `cpu`'s step at `pc` on `s` in place; false when it cannot move (lock held, bound). */
function step(model: StepModel, s: Int32Array, cpu: number, base: number, pc: number): boolean {
  const { layout, mutant } = model;
  const n = layout.idCount;
  const vm = s[base + CpuField.vm];
  const pcAt = base + CpuField.pc; // where the CPU's pc is: assigning it is the step's goto
  switch (pc) {
    case Pc.readVmid:
      s[base + CpuField.vmid] = s[layout.vmId + vm - 1];
      s[pcAt] = mutant === "xchg-fastpath" ? Pc.checkGeneration : Pc.readActive;
      return true;
    case Pc.readActive: {
      const old = s[layout.active + cpu];
      s[base + CpuField.old] = old;
      if (old !== 0) s[pcAt] = Pc.checkGeneration;
      else waitForLock(s, base);
      return true;
    }
    case Pc.checkGeneration: {
      const match = generationOf(layout, s[base + CpuField.vmid]) === s[GENERATION];
      if (!match) waitForLock(s, base);
      else s[pcAt] = mutant === "xchg-fastpath" ? Pc.exchange : Pc.compareExchange;
      return true;
    }
    case Pc.compareExchange: {
      const found = s[layout.active + cpu];
      if (found === s[base + CpuField.old]) s[layout.active + cpu] = s[base + CpuField.vmid];
      s[base + CpuField.old] = 0;
      if (found !== 0) s[pcAt] = Pc.enterGuest;
      else waitForLock(s, base);
      return true;
    }
    case Pc.exchange: {
      const found = s[layout.active + cpu];
      s[layout.active + cpu] = s[base + CpuField.vmid];
      if (found !== 0) s[pcAt] = Pc.enterGuest;
      else waitForLock(s, base);
      return true;
    }
    case Pc.lock: {
      if (s[LOCK] !== 0) return false;
      s[LOCK] = cpu + 1;
      // Only lock holders write VM ids and the generation: stable from here to the unlock.
      const vmid = s[layout.vmId + vm - 1];
      s[base + CpuField.vmid] = vmid;
      s[pcAt] = generationOf(layout, vmid) === s[GENERATION] ? Pc.publish : Pc.newVmid;
      return true;
    }
    case Pc.newVmid: {
      const vmid = s[base + CpuField.vmid];
      const done = (s[layout.pinning] & (1 << cpu)) !== 0 ? Pc.pinPublish : Pc.publish;
      if (vmid !== 0) {
        const renewed = s[GENERATION] * n + idxOf(layout, vmid);
        const pinned = s[layout.pinCount + vm - 1] > 0;
        if (pinned && mutant === "pinned-before-reserved") {
          s[layout.vmId + vm - 1] = renewed;
          s[base + CpuField.vmid] = renewed;
          s[pcAt] = done;
          return true;
        }
        let hit = false;
        for (let c = 0; c < layout.cpus; c++) {
          if (s[layout.reserved + c] === vmid) {
            hit = true;
            s[layout.reserved + c] = renewed;
            if (mutant === "early-exit-reserved") break;
          }
        }
        const bit = 1 << idxOf(layout, vmid);
        const reuse = !hit && !pinned && (s[BITMAP] & bit) === 0;
        if (reuse) s[BITMAP] |= bit;
        if (hit || pinned || reuse) {
          s[layout.vmId + vm - 1] = renewed;
          s[base + CpuField.vmid] = renewed;
          s[pcAt] = done;
          return true;
        }
      }
      const idx = firstClear(s[BITMAP], s[CUR_IDX], n);
      if (idx === n) {
        s[base + CpuField.vmid] = 0; // dead from here: the allocation after a rollover is fresh
        s[pcAt] = Pc.bumpGeneration;
        return true;
      }
      allocate(s, layout, base, vm, idx);
      return true;
    }
    case Pc.bumpGeneration:
      if (s[GENERATION] >= model.generations) return false;
      s[GENERATION]++;
      // set_reserved_asid_bits: a copy of the pinned map (under KPTI it holds every odd idx);
      // without pins, or when the mutant forgets the pinned map: empty, or the KPTI pattern.
      s[BITMAP] =
        layout.pins && mutant !== "forget-pinned-map" ? s[layout.pinnedMap] : layout.rolloverBitmap;
      if (model.flush === "deferred" && mutant !== "no-flush")
        s[FLUSH_PENDING] = (1 << layout.cpus) - 1;
      s[base + CpuField.aux] = 0;
      s[pcAt] = Pc.flushCpu;
      return true;
    case Pc.flushCpu: {
      const c = s[base + CpuField.aux];
      let v = s[layout.active + c];
      s[layout.active + c] = 0;
      if (v === 0 && mutant !== "no-suspended-animation") v = s[layout.reserved + c];
      s[BITMAP] |= 1 << idxOf(layout, v);
      s[layout.reserved + c] = v;
      if (c + 1 < layout.cpus) s[base + CpuField.aux] = c + 1;
      else {
        s[base + CpuField.aux] = 0;
        s[pcAt] = Pc.flush;
      }
      return true;
    }
    case Pc.flush:
      if (mutant !== "no-flush" && model.flush === "broadcast") {
        for (let c = 0; c < layout.cpus; c++) s[layout.cpuBase + c * CPU_FIELDS + CpuField.tlb] = 0;
      }
      s[pcAt] = Pc.allocateAfterRollover;
      return true;
    case Pc.allocateAfterRollover: {
      const idx = firstClear(s[BITMAP], 1, n);
      if (idx === n) throw new Error("internal error: no free VMID after a rollover");
      allocate(s, layout, base, vm, idx);
      return true;
    }
    case Pc.publish:
      if (model.flush === "deferred") flushIfMarked(s, base, cpu);
      s[layout.active + cpu] = s[base + CpuField.vmid];
      s[LOCK] = 0;
      s[pcAt] = Pc.enterGuest;
      return true;
    case Pc.putFlush:
      flushIfMarked(s, base, cpu);
      s[pcAt] = Pc.idle;
      return true;
    case Pc.pinLock: {
      if (s[LOCK] !== 0) return false;
      const vmid = s[layout.vmId + vm - 1];
      const count = s[layout.pinCount + vm - 1];
      if (count > 0) s[layout.pinCount + vm - 1] = count + 1;
      else if (pinnedVms(layout, s) >= layout.maxPinned) {
        // The pin fails: nothing changes.
      } else if (generationOf(layout, vmid) === s[GENERATION]) markPinned(s, layout, vm, vmid);
      else {
        s[LOCK] = cpu + 1;
        s[base + CpuField.vmid] = vmid;
        s[pcAt] = Pc.newVmid;
        return true;
      }
      endPin(s, layout, base, cpu);
      return true;
    }
    case Pc.pinPublish:
      markPinned(s, layout, vm, s[base + CpuField.vmid]);
      s[LOCK] = 0;
      endPin(s, layout, base, cpu);
      return true;
    case Pc.enterGuest: {
      const idx = idxOf(layout, s[base + CpuField.vmid]);
      if (model.trackLoaded) {
        s[base + CpuField.loadedVm] = vm;
        s[base + CpuField.loadedIdx] = idx;
      }
      if (model.trackTlb) s[base + CpuField.tlb] |= tlbBit(layout, vm, idx);
      s[base + CpuField.vm] = 0;
      s[base + CpuField.vmid] = 0;
      s[pcAt] = Pc.idle;
      return true;
    }
    default:
      throw new Error(`internal error: unknown pc ${pc}`);
  }
}

/**
 * Goes to the slow path's lock with the update's locals `vmid` and `old` zeroed: they are dead
 * there, so states that differ only in them have the same futures and become one state.
 *
 * Why that is exact. Call two states equivalent when they differ only in `vmid` and `old` of
 * CPUs whose pc is `lock`. (1) Those two words are written before they are read on every path
 * from `lock`: the lock step reads neither (it stores `vmid` from the VM id table, and `old`
 * is next stored by readActive of a later update, the only step that reads it being
 * compareExchange, which follows readActive). So the lock step turns equivalent states into
 * equal ones (it left `old` at 0 and overwrote `vmid` before this change too). (2) Every
 * other step leaves a waiting CPU's pc at `lock` and reads no CPU's locals but its own: the
 * rollover reads active and reserved slots, the flush writes TLBs, the scheduler and the
 * speculative fill (the only other step of a waiting CPU) read pc, loaded guest and TLB. So
 * every other step turns equivalent states into equivalent ones. (3) No invariant reads them at `lock`: only UpdatePublishes
 * reads a CPU's `vmid`, and only at enterGuest; VM symmetry (canonicalState) and the packer do
 * not look at them. Equivalent states therefore satisfy the same invariants and have
 * equivalent successors step for step: a bisimulation, so merging them keeps every verdict
 * and every shortest counterexample's length (the BFS depths). A counterexample's decoded
 * states show these locals as 0 while a CPU waits at the lock. It changes the state counts
 * (about 15% fewer states).
 */
function waitForLock(s: Int32Array, base: number): void {
  s[base + CpuField.vmid] = 0;
  s[base + CpuField.old] = 0;
  s[base + CpuField.pc] = Pc.lock;
}

/** Deferred policy: clears CPU `cpu`'s mark and, if it was set, empties its TLB. */
function flushIfMarked(s: Int32Array, base: number, cpu: number): void {
  const mark = 1 << cpu;
  if ((s[FLUSH_PENDING] & mark) === 0) return;
  s[FLUSH_PENDING] &= ~mark;
  s[base + CpuField.tlb] = 0;
}

/**
 * The scheduler's pin transitions for idle CPU `cpu`: start pin(vm) for every VM whose pin
 * count plus the pins of it in progress is below MAX_MODEL_PIN_COUNT, and unpin(vm) for every
 * pinned VM while the lock is free. An unpin is one step: it touches only state the lock
 * guards (the count, the pinned map, and the VM's id, which only lock holders write), so
 * taking the lock, the update and the release are one atomic action to every other CPU; with
 * the lock held it waits, which is the same as not having started, since it has done nothing
 * another CPU can see and the CPU stays idle (it may still fill its TLB speculatively). Unpin
 * does not depend on which idle CPU runs it: every idle CPU offers the same successor.
 */
function pinTransitions(
  layout: ModelLayout,
  state: Int32Array,
  next: Int32Array,
  cpu: number,
  base: number,
  sink: SuccessorSink,
): void {
  for (let vm = 1; vm <= layout.vms; vm++) {
    const count = state[layout.pinCount + vm - 1];
    if (count + pinsInProgress(layout, state, vm) < MAX_MODEL_PIN_COUNT) {
      next.set(state);
      next[base + CpuField.pc] = Pc.pinLock;
      next[base + CpuField.vm] = vm;
      next[layout.pinning] |= 1 << cpu;
      sink(next, cpu, Action.startPin, vm);
    }
    if (count > 0 && state[LOCK] === 0) {
      next.set(state);
      next[layout.pinCount + vm - 1] = count - 1;
      if (count === 1) {
        next[layout.pinnedMap] &= ~(1 << idxOf(layout, state[layout.vmId + vm - 1]));
      }
      sink(next, cpu, Action.unpin, vm);
    }
  }
}

/** How many CPUs are running pin(vm). */
function pinsInProgress(layout: ModelLayout, s: Int32Array, vm: number): number {
  let found = 0;
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    if (s[layout.pinning] & (1 << cpu) && s[layout.cpuBase + cpu * CPU_FIELDS + CpuField.vm] === vm)
      found++;
  }
  return found;
}

/** The pinned count (`nr_pinned`): VMs whose pin count is non-zero. */
export function pinnedVms(layout: ModelLayout, s: Int32Array): number {
  let found = 0;
  for (let vm = 0; vm < layout.vms; vm++) if (s[layout.pinCount + vm] > 0) found++;
  return found;
}

/** The end of a successful first pin: the id's idx joins the pinned map, count 1. */
function markPinned(s: Int32Array, layout: ModelLayout, vm: number, vmid: number): void {
  s[layout.pinnedMap] |= 1 << idxOf(layout, vmid);
  s[layout.pinCount + vm - 1] = 1;
}

/** A pin is over: the CPU is idle again, its locals zeroed. */
function endPin(s: Int32Array, layout: ModelLayout, base: number, cpu: number): void {
  s[layout.pinning] &= ~(1 << cpu);
  s[base + CpuField.vm] = 0;
  s[base + CpuField.vmid] = 0;
  s[base + CpuField.pc] = Pc.idle;
}

/** The first clear bit in [from, n), or n. */
function firstClear(bitmap: number, from: number, n: number): number {
  for (let i = from; i < n; i++) if ((bitmap & (1 << i)) === 0) return i;
  return n;
}

/** Takes idx for `vm` (set bit, curIdx, store the VM id) and goes to publish. */
function allocate(s: Int32Array, layout: ModelLayout, base: number, vm: number, idx: number): void {
  const id = s[GENERATION] * layout.idCount + idx;
  s[BITMAP] |= 1 << idx;
  s[CUR_IDX] = idx;
  s[layout.vmId + vm - 1] = id;
  s[base + CpuField.vmid] = id;
  const cpu = (base - layout.cpuBase) / CPU_FIELDS;
  s[base + CpuField.pc] = (s[layout.pinning] & (1 << cpu)) !== 0 ? Pc.pinPublish : Pc.publish;
}
