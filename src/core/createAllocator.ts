import { plainMemory } from "../mem/plainMemory.js";
import { LockedWord, type VmidMemory } from "../mem/VmidMemory.js";
import type { AllocatorContext } from "./AllocatorContext.js";
import { type AllocatorCounters, emptyCounters } from "./AllocatorCounters.js";
import { testBit } from "./bitmap.js";
import { FLUSH_POLICIES, type FlushPolicy } from "./FlushPolicy.js";
import type { IdSpace, IdSpaceOptions } from "./IdSpace.js";
import { MUTANTS, type MutantName } from "./Mutant.js";
import { maxPinnedIn } from "./maxPinned.js";
import type { PinResult } from "./PinResult.js";
import { pinVmid, unpinVmid } from "./pinVmid.js";
import { STRATEGY_NAMES, type StrategyName } from "./strategies/ReservedLookup.js";
import { reservedLookupNamed } from "./strategies/reservedLookupNamed.js";
import { clearActive, updateVmid } from "./updateVmid.js";
import { VmidInputError } from "./VmidInputError.js";
import { validateConfig, validateCpu, validateVm } from "./validateConfig.js";

/**
 * Checks the names a plain-JavaScript caller may get wrong (TypeScript callers cannot), and
 * that the behaviour fits the allocator the memory was made for.
 */
function validateBehaviour(options: AllocatorBehaviour, space: IdSpace): void {
  const { strategy, mutant, flush } = options;
  if (flush !== undefined && !FLUSH_POLICIES.includes(flush)) {
    throw new VmidInputError(
      `unknown flush policy '${flush}' (expected ${FLUSH_POLICIES.join(", ")})`,
    );
  }
  if (strategy !== undefined && !STRATEGY_NAMES.includes(strategy)) {
    throw new VmidInputError(
      `unknown strategy '${strategy}' (expected ${STRATEGY_NAMES.join(", ")})`,
    );
  }
  if (mutant !== undefined && !Object.hasOwn(MUTANTS, mutant)) {
    throw new VmidInputError(
      `unknown mutant '${mutant}' (expected ${Object.keys(MUTANTS).join(", ")})`,
    );
  }
  if (space.allocator === "asid") {
    if (flush === "broadcast") {
      throw new VmidInputError(
        "the ASID allocator flushes each CPU's TLB in its next slow path (flush deferred), not by broadcast",
      );
    }
    if (mutant === "clear-to-zero" || mutant === "no-put-flush") {
      throw new VmidInputError(
        `mutant ${mutant} changes the put, which the ASID allocator has not`,
      );
    }
  }
}

/** The flush policy of an allocator: as asked, else the allocator's own. */
function flushPolicyOf(options: AllocatorBehaviour, space: IdSpace): FlushPolicy {
  return options.flush ?? (space.allocator === "asid" ? "deferred" : "broadcast");
}

/** How an allocator behaves, whatever memory it runs over. */
export interface AllocatorBehaviour {
  /** Reserved-lookup strategy; `scan` (the seed's loop) by default. */
  readonly strategy?: StrategyName;
  /** Called at each rollover's broadcast flush with the new generation. */
  readonly onFlush?: (generation: bigint) => void;
  /** Called at each rollover, whatever the flush policy, with the new generation. */
  readonly onRollover?: (generation: bigint) => void;
  /** A deliberate bug (see MUTANTS); none by default. */
  readonly mutant?: MutantName;
  /**
   * How rollovers flush TLBs: by default `broadcast` (the seed) for the VMID allocator and
   * `deferred` for the ASID allocator, which accepts only that.
   */
  readonly flush?: FlushPolicy;
  /** `deferred` policy: called when a CPU flushes its own TLB in its slow path. */
  readonly onLocalFlush?: (cpu: number) => void;
}

/**
 * Options of an allocator over fresh memory; `bits` and `cpus` as `validateConfig` takes,
 * `allocator` and `kpti` as `IdSpaceOptions` describes (the VMID allocator by default).
 */
export interface AllocatorOptions extends AllocatorBehaviour, IdSpaceOptions {
  /** Id width, 1..24 (1..16 for the ASID allocator; arm64 hardware has 8 or 16). */
  readonly bits: number;
  /** CPU count, 1..4096, with more usable ids than CPUs (see `usableIdCount`). */
  readonly cpus: number;
}

/** The allocator's whole state at one moment, ids as unsigned 64-bit bigints. */
export interface AllocatorSnapshot {
  readonly generation: bigint;
  /** The search hint, 1..N-1. */
  readonly curIdx: number;
  /** Per CPU: 0 (rolled over), INVALID (N, put) or an id. */
  readonly active: readonly bigint[];
  readonly reserved: readonly bigint[];
  /** The indices whose bit is set in the bitmap, ascending. */
  readonly allocatedIdx: readonly number[];
}

/** The pinned VMs at one moment. */
export interface PinSnapshot {
  /** The configuration's limit (`maxPinned`); 0 or less: no pins. */
  readonly maxPinned: number;
  /** How many VMs are pinned. */
  readonly pinnedCount: number;
  /**
   * The pinned VMs' indices, ascending: the pinned map's idx but the KPTI pattern's odd ones,
   * which it also holds under KPTI.
   */
  readonly pinnedIdx: readonly number[];
}

/**
 * A VMID allocator: the seed's algorithm plus mainline's `clearActive` and pinned ids; or,
 * over memory made for the ASID allocator, that allocator (see `IdSpace`).
 */
export interface VmidAllocator<Id extends number | bigint> {
  readonly bits: number;
  /** Which allocator it is, and KPTI. */
  readonly space: IdSpace;
  readonly cpus: number;
  readonly strategy: StrategyName;
  /** How its rollovers flush TLBs. */
  readonly flush: FlushPolicy;
  /** The deliberate bug it runs with, if any. */
  readonly mutant: MutantName | undefined;
  /** The memory it runs over. */
  readonly memory: VmidMemory<Id>;
  /** What it has done so far (live object; do not modify). */
  readonly counters: Readonly<AllocatorCounters>;
  /**
   * `kvm_arm_vmid_update()`: VM `vm` (a positive safe integer) is about to run on `cpu`
   * (0..cpus-1). Returns the VM's 64-bit id, `generation | idx`.
   */
  update(cpu: number, vm: number): bigint;
  /** As `update`, returning the backend's own representation (no bigint allocation). */
  updateRaw(cpu: number, vm: number): Id;
  /** `kvm_arm_vmid_clear_active()`: the vCPU on `cpu` is put. The ASID allocator throws. */
  clearActive(cpu: number): void;
  /**
   * Pins the VM's idx for as long as it stays pinned (refcounted; see `pinVmid`): the ASID
   * allocator's `arm64_mm_context_get()`. A pin that cannot be taken is a result, not an
   * exception: `pinned: false` with the reason.
   */
  pin(vm: number): PinResult<bigint>;
  /**
   * Drops one pin (`arm64_mm_context_put()`); returns the VM's remaining pin count. Throws
   * VmidInputError when the VM is not pinned.
   */
  unpin(vm: number): number;
  /** The VM's pin count, 0 when not pinned. */
  pinCountOf(vm: number): number;
  /** The VM's current id, 0 if it never ran. */
  vmidOf(vm: number): bigint;
  /** A copy of the whole state. */
  snapshot(): AllocatorSnapshot;
  /** A copy of the pinning state. */
  pinSnapshot(): PinSnapshot;
}

class Allocator<Id extends number | bigint> implements VmidAllocator<Id> {
  readonly bits: number;
  readonly space: IdSpace;
  readonly cpus: number;
  readonly strategy: StrategyName;
  readonly flush: FlushPolicy;
  readonly mutant: MutantName | undefined;
  readonly memory: VmidMemory<Id>;
  readonly counters: AllocatorCounters;
  private readonly context: AllocatorContext<Id>;

  constructor(memory: VmidMemory<Id>, options: AllocatorBehaviour) {
    const strategy = options.strategy ?? "scan";
    this.memory = memory;
    this.bits = memory.ids.bits;
    this.space = memory.space;
    this.cpus = memory.cpus;
    this.strategy = strategy;
    this.flush = flushPolicyOf(options, memory.space);
    this.mutant = options.mutant;
    this.context = createAllocatorContext(memory, { ...options, strategy, flush: this.flush });
    this.counters = this.context.counters;
  }

  update(cpu: number, vm: number): bigint {
    return this.memory.ids.toBigInt(this.updateRaw(cpu, vm));
  }

  updateRaw(cpu: number, vm: number): Id {
    validateCpu(cpu, this.cpus);
    validateVm(vm);
    return updateVmid(this.context, cpu, vm);
  }

  clearActive(cpu: number): void {
    validateCpu(cpu, this.cpus);
    clearActive(this.context, cpu);
  }

  pin(vm: number): PinResult<bigint> {
    validateVm(vm);
    const result = pinVmid(this.context, vm);
    return result.pinned ? { ...result, id: this.memory.ids.toBigInt(result.id) } : result;
  }

  unpin(vm: number): number {
    validateVm(vm);
    return unpinVmid(this.context, vm);
  }

  pinCountOf(vm: number): number {
    validateVm(vm);
    return this.memory.loadPinCount(vm);
  }

  pinSnapshot(): PinSnapshot {
    const memory = this.memory;
    const pinnedIdx: number[] = [];
    const step = memory.space.kpti ? 2 : 1; // under KPTI only even idx are ever pinned
    for (let idx = 0; idx < memory.ids.idCount; idx += step)
      if (testBit(memory.pinnedMap, idx)) pinnedIdx.push(idx);
    return {
      maxPinned: this.context.maxPinned,
      pinnedCount: memory.lockedWords[LockedWord.pinnedCount],
      pinnedIdx,
    };
  }

  vmidOf(vm: number): bigint {
    validateVm(vm);
    return this.memory.ids.toBigInt(this.memory.loadVmId(vm));
  }

  snapshot(): AllocatorSnapshot {
    const memory = this.memory;
    const ids = memory.ids;
    const active: bigint[] = [];
    const reserved: bigint[] = [];
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      active.push(ids.toBigInt(memory.loadActive(cpu)));
      reserved.push(ids.toBigInt(memory.reserved[cpu]));
    }
    const allocatedIdx: number[] = [];
    for (let idx = 0; idx < ids.idCount; idx++)
      if (testBit(memory.bitmap, idx)) allocatedIdx.push(idx);
    return {
      generation: ids.toBigInt(memory.loadGeneration()),
      curIdx: memory.lockedWords[LockedWord.curIdx],
      active,
      reserved,
      allocatedIdx,
    };
  }
}

/**
 * The context the algorithm's functions (`updateVmid`, `clearActive`, ...) run with, for
 * callers that drive them directly: no argument checks, fresh counters. Validate first.
 */
export function createAllocatorContext<Id extends number | bigint>(
  memory: VmidMemory<Id>,
  options: AllocatorBehaviour = {},
): AllocatorContext<Id> {
  validateBehaviour(options, memory.space);
  return {
    memory,
    lookup: reservedLookupNamed(options.strategy ?? "scan"),
    counters: emptyCounters(),
    onRollover: options.onRollover,
    onFlush: options.onFlush,
    flush: flushPolicyOf(options, memory.space),
    onLocalFlush: options.onLocalFlush,
    maxPinned: maxPinnedIn(memory.space, memory.cpus),
    mutant: options.mutant,
  };
}

/** Creates an allocator over fresh single-threaded memory. Throws VmidInputError on bad options. */
export function createAllocator(options: AllocatorOptions): VmidAllocator<number> {
  const space = validateConfig(options.bits, options.cpus, options);
  validateBehaviour(options, space);
  return new Allocator(plainMemory(options.bits, options.cpus, space), options);
}

/**
 * Creates an allocator over memory a backend made (and may share with other threads, each
 * with its own allocator object over the same memory).
 */
export function createAllocatorOver<Id extends number | bigint>(
  memory: VmidMemory<Id>,
  options: AllocatorBehaviour = {},
): VmidAllocator<Id> {
  validateConfig(memory.ids.bits, memory.cpus, memory.space);
  validateBehaviour(options, memory.space);
  return new Allocator(memory, options);
}
