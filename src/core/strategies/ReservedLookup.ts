import type { VmidMemory } from "../../mem/VmidMemory.js";
import type { AllocatorCounters } from "../AllocatorCounters.js";

/** The reserved-lookup strategies; every one gives identical ids on every input. */
export const STRATEGY_NAMES = ["scan", "counted", "indexed"] as const;

/** `scan` (the seed's loop), `counted` (the reviewer's skip) or `indexed` (idx -> CPUs map). */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * How `check_update_reserved_vmid` finds the CPUs whose reservation holds a VM's old id.
 * All state a strategy keeps lives in the memory backend (so it is shared between threads
 * on the shared backend), and every method runs under the allocator lock.
 */
export interface ReservedLookup {
  readonly name: StrategyName;
  /** A rollover begins: `flush_context` is about to re-reserve every CPU's id. */
  beginRollover<Id extends number | bigint>(memory: VmidMemory<Id>): void;
  /** During that rollover, `reserved[cpu]` was set to `v`. */
  noteReserved<Id extends number | bigint>(memory: VmidMemory<Id>, cpu: number, v: Id): void;
  /**
   * Replaces every reservation equal to `vmid` (exact 64-bit compare) with `newVmid`; returns
   * whether any matched. Adds the CPUs it compared to `counters.reservedCpusVisited`.
   * `firstMatchOnly` is the `early-exit-reserved` mutant: stop after the first match.
   */
  checkUpdateReserved<Id extends number | bigint>(
    memory: VmidMemory<Id>,
    vmid: Id,
    newVmid: Id,
    counters: AllocatorCounters,
    firstMatchOnly: boolean,
  ): boolean;
}
