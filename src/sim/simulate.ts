import { performance } from "node:perf_hooks";
import { PolicyLockstep } from "./_internal/PolicyLockstep.js";
import { policyMetrics } from "./_internal/policyMetrics.js";
import { SimHost } from "./_internal/SimHost.js";
import { SliceHeap } from "./_internal/SliceHeap.js";
import type { SimOptions, SimResult } from "./SimOptions.js";
import { validateSimOptions } from "./validateSimOptions.js";

/** Slices between two progress reports: 2^16. */
export const PROGRESS_EVERY_SLICES = 1 << 16;

/** Optional callbacks of a simulation. */
export interface SimHooks {
  /**
   * Called every PROGRESS_EVERY_SLICES slices and once at the end, with the slices done so
   * far and the total (`slices`).
   */
  onProgress?(slicesDone: number, slicesTotal: number): void;
}

/**
 * Simulates a host running VMs under every policy's allocator, deterministically: the same
 * options (seed included) give the same result, except `elapsedMs` and the measured ns
 * fields. Throws VmidInputError on bad options (`validateSimOptions`); prints nothing.
 *
 * The model (a discrete-event simulation; every random choice comes from one xoroshiro128+
 * stream seeded with `seed`, drawn in this order within a slice: churn, VM, vCPU, context,
 * slice length):
 * - Time: each CPU runs back-to-back slices whose lengths are uniform in
 *   [0.5, 1.5) x `sliceUs`. The CPU whose slice ends first acts next (a binary heap; ties to
 *   the lower CPU number); each action is one of the `slices`. At time 0 every CPU's empty
 *   first slice ends, so CPUs 0, 1, ... act first, in order.
 * - Churn: at the start of each slice, before the acting CPU picks (see `SimHost.churn`).
 * - Scheduling: the acting CPU draws a VM by popularity (uniform, or Zipf with `zipfSkew`
 *   over slots, slot 0 the most popular), then uniformly one of its vCPUs not running on
 *   another CPU; a VM without one is redrawn, at most 8 draws, then the CPU idles for the
 *   slice (`idleSlices`). With more CPUs than runnable vCPUs, CPUs idle.
 * - The same vCPU in the same context continues: no put, no update. Otherwise the running
 *   vCPU is descheduled (`clearActive`, mainline's put, when `put`; the seed has none) and
 *   the new one loaded (`update`, `kvm_arm_vmid_update()`).
 * - Nested: a VM has its own stage-2 context and 2 shadow contexts per vCPU, each an
 *   allocator VM of its own; a slice runs the VM's context with probability 1/2, else one of
 *   the vCPU's two shadow contexts, uniformly.
 * - Every event goes to every policy's allocator (plain memory, the real `updateVmid` and
 *   `clearActive`) in lockstep; `idsIdentical` says whether all returned the same ids.
 * - `simulatedMs`: the latest slice end over all CPUs, including the slices begun last.
 */
export function simulate(options: SimOptions, hooks: SimHooks = {}): SimResult {
  validateSimOptions(options);
  const started = performance.now();
  const { bits, cpus, slices } = options;
  const lockstep = new PolicyLockstep(options.policies, bits, cpus, options.sampleEvery, {
    allocator: options.allocator,
    kpti: options.kpti,
  });
  const host = new SimHost(options, lockstep);
  const heap = new SliceHeap(cpus);
  const onProgress = hooks.onProgress;
  let nextProgress = Math.min(PROGRESS_EVERY_SLICES, slices);
  let done = 0;
  while (done < slices) {
    // The inner loop runs up to the next progress report without a check per slice.
    for (; done < nextProgress; done++) {
      const cpu = heap.nextCpu();
      host.churn();
      host.switchOn(cpu);
      heap.advanceNextCpu(host.drawSliceUs());
    }
    onProgress?.(done, slices);
    nextProgress = Math.min(nextProgress + PROGRESS_EVERY_SLICES, slices);
  }
  lockstep.checkPredictions();

  const policies = options.policies.map((policy, index) => ({
    policy: { strategy: policy.strategy, flush: policy.flush },
    metrics: policyMetrics(
      lockstep.contexts[index].counters,
      host.updates,
      lockstep.slowPathNs[index],
      bits,
      cpus,
    ),
  }));
  return {
    options: { ...options, policies: policies.map((entry) => entry.policy) },
    workload: {
      updates: host.updates,
      puts: host.puts,
      idleSlices: host.idleSlices,
      vmsCreated: host.vmsReplaced,
      vmsDestroyed: host.vmsReplaced,
      contextsRun: host.contextsRun,
      simulatedMs: heap.latestSliceEndUs() / 1000,
    },
    policies,
    idsIdentical: lockstep.idsIdentical,
    elapsedMs: performance.now() - started,
  };
}
