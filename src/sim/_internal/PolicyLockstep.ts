import type { AllocatorContext } from "../../core/AllocatorContext.js";
import { createAllocatorContext } from "../../core/createAllocator.js";
import type { IdSpaceOptions } from "../../core/IdSpace.js";
import { pinVmid, unpinVmid } from "../../core/pinVmid.js";
import { clearActive, updateVmid } from "../../core/updateVmid.js";
import { plainMemory } from "../../mem/plainMemory.js";
import type { Policy } from "../Policy.js";

/**
 * One allocator per policy, each over its own plain memory, driven in lockstep: every
 * update and put of the workload is applied to all of them in policy order, and the ids
 * they return are compared with the first policy's.
 *
 * Sampled timing: before each update the memory tells whether the update will take the slow
 * path (the CPU's active id is 0, or the VM's id is not of the current generation: the
 * negation of the fast path's test, exact on one thread). Every `sampleEvery`-th such slow
 * path of a policy is timed with `process.hrtime.bigint()`; no other update is timed.
 */
export class PolicyLockstep {
  /** The algorithm's contexts, one per policy, in the policies' order. */
  readonly contexts: readonly AllocatorContext<number>[];
  /** Per policy, the timed slow paths' durations, ns. */
  readonly slowPathNs: number[][];
  /** False once some policy returned an id different from the first policy's. */
  idsIdentical = true;
  /** Per policy, the slow paths predicted before the call (checked against the counters). */
  private readonly predictedSlowPaths: Float64Array;
  /** Per policy, predicted slow paths left before the next timed one. */
  private readonly untilSample: Float64Array;
  private readonly sampleEvery: number;

  /**
   * `bits` and `cpus` validated (`validateConfig`, with `space`); `sampleEvery` >= 0 (0 = no
   * timing); `space` the allocator every policy runs (the VMID allocator by default).
   */
  constructor(
    policies: readonly Policy[],
    bits: number,
    cpus: number,
    sampleEvery: number,
    space: IdSpaceOptions = {},
  ) {
    this.contexts = policies.map((policy) =>
      createAllocatorContext(plainMemory(bits, cpus, space), {
        strategy: policy.strategy,
        flush: policy.flush,
      }),
    );
    this.slowPathNs = policies.map(() => []);
    this.predictedSlowPaths = new Float64Array(policies.length);
    this.untilSample = new Float64Array(policies.length).fill(sampleEvery);
    this.sampleEvery = sampleEvery;
  }

  /** Whether allocator VM `vm` never ran (its id is still 0: any update leaves it non-zero). */
  neverRan(vm: number): boolean {
    return this.contexts[0].memory.loadVmId(vm) === 0;
  }

  /** `kvm_arm_vmid_update()` of `vm` on `cpu` in every policy's allocator. */
  update(cpu: number, vm: number): void {
    const contexts = this.contexts;
    const sampling = this.sampleEvery !== 0;
    let firstId = 0;
    for (let policy = 0; policy < contexts.length; policy++) {
      const context = contexts[policy];
      let id: number;
      if (sampling && this.predictSlowPath(policy, cpu, vm) && this.isSampleDue(policy)) {
        const start = process.hrtime.bigint();
        id = updateVmid(context, cpu, vm);
        const end = process.hrtime.bigint();
        this.slowPathNs[policy].push(Number(end - start));
      } else {
        id = updateVmid(context, cpu, vm);
      }
      if (policy === 0) firstId = id;
      else if (id !== firstId) this.idsIdentical = false;
    }
  }

  /** Pins context `vm` in every policy's allocator; the caller keeps within maxPinned. */
  pin(vm: number): void {
    for (const context of this.contexts) {
      if (!pinVmid(context, vm).pinned) throw new Error(`internal error: pin of ${vm} refused`);
    }
  }

  /** Drops one pin of context `vm` in every policy's allocator. */
  unpin(vm: number): void {
    for (const context of this.contexts) unpinVmid(context, vm);
  }

  /** `kvm_arm_vmid_clear_active()` on `cpu` in every policy's allocator. */
  put(cpu: number): void {
    const contexts = this.contexts;
    for (let policy = 0; policy < contexts.length; policy++) clearActive(contexts[policy], cpu);
  }

  /**
   * Throws unless every prediction of a slow path matched the allocator's own count (only
   * checked when timing is on, since predictions are made only then).
   */
  checkPredictions(): void {
    if (this.sampleEvery === 0) return;
    this.contexts.forEach((context, policy) => {
      const predicted = this.predictedSlowPaths[policy];
      if (predicted !== context.counters.slowPathEntries) {
        throw new Error(
          `internal error: predicted ${predicted} slow paths, the allocator took ${context.counters.slowPathEntries}`,
        );
      }
    });
  }

  /** The negation of the fast path's test, read from the memory before the call. */
  private predictSlowPath(policy: number, cpu: number, vm: number): boolean {
    const memory = this.contexts[policy].memory;
    const slow =
      memory.loadActive(cpu) === 0 ||
      !memory.ids.isOfGeneration(memory.loadVmId(vm), memory.loadGeneration());
    if (slow) this.predictedSlowPaths[policy]++;
    return slow;
  }

  /** Counts one predicted slow path of `policy`; true on every `sampleEvery`-th. */
  private isSampleDue(policy: number): boolean {
    const left = this.untilSample[policy] - 1;
    if (left > 0) {
      this.untilSample[policy] = left;
      return false;
    }
    this.untilSample[policy] = this.sampleEvery;
    return true;
  }
}
