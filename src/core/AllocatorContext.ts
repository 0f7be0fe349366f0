import type { VmidMemory } from "../mem/VmidMemory.js";
import type { AllocatorCounters } from "./AllocatorCounters.js";
import type { FlushPolicy } from "./FlushPolicy.js";
import type { MutantName } from "./Mutant.js";
import type { ReservedLookup } from "./strategies/ReservedLookup.js";

/**
 * What the algorithm's functions run with: the memory, the reserved-lookup strategy, this
 * caller's counters and the flush callback. One per thread; the memory may be shared.
 */
export interface AllocatorContext<Id extends number | bigint> {
  readonly memory: VmidMemory<Id>;
  readonly lookup: ReservedLookup;
  readonly counters: AllocatorCounters;
  /** Called under the lock at each rollover, whatever the flush policy, with the new generation. */
  readonly onRollover: ((generation: bigint) => void) | undefined;
  /** Called under the lock at each rollover's broadcast flush, with the new generation. */
  readonly onFlush: ((generation: bigint) => void) | undefined;
  /** How rollovers flush TLBs. */
  readonly flush: FlushPolicy;
  /** `deferred` policy: called under the lock when a CPU flushes its own TLB. */
  readonly onLocalFlush: ((cpu: number) => void) | undefined;
  /** The most VMs pinned at once (`maxPinned`); 0 or less: no pins. */
  readonly maxPinned: number;
  /** A deliberate bug to run instead of the correct algorithm; undefined for the seed's. */
  readonly mutant: MutantName | undefined;
}
