import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { zipfSampler } from "../../_internal/zipfSampler.js";
import type { SimOptions } from "../SimOptions.js";
import type { PolicyLockstep } from "./PolicyLockstep.js";

/** VM draws per slice before a CPU gives up and idles (every drawn VM had no free vCPU). */
export const MAX_PICK_ATTEMPTS = 8;
/** 2^32: one draw of the generator, `rng.next() >>> 0`, is uniform in [0, 2^32). */
const TWO_POW_32 = 2 ** 32;
/** `cpuVcpu` / `vcpuCpu` value: nothing there. */
const NONE = -1;

/**
 * The simulated host's workload: VMs in `vms` slots, their vCPUs, which vCPU each CPU runs,
 * and the one seeded PRNG every workload decision draws from. It never reads the allocators
 * (except `neverRan`, to count contexts), so every policy sees the same events.
 *
 * Numbering: slot s holds VM number `slotVm[s]` (1, 2, ... in creation order, never reused);
 * its vCPU k is vCPU `s * vcpusPerVm + k` (the slot's vCPUs pass to the VM replacing it).
 * Each VM owns `contextsPerVm` consecutive allocator VM numbers ("contexts"): VM n's own
 * stage-2 context is `(n - 1) * contextsPerVm + 1`; with `nested`, vCPU k's shadow contexts
 * j = 0, 1 follow at `+ 1 + 2k + j`.
 */
export class SimHost {
  updates = 0;
  puts = 0;
  idleSlices = 0;
  vmsReplaced = 0;
  contextsRun = 0;
  private readonly rng: RandomGenerator;
  private readonly lockstep: PolicyLockstep;
  private readonly vms: number;
  private readonly vcpusPerVm: number;
  private readonly contextsPerVm: number;
  private readonly nested: boolean;
  private readonly put: boolean;
  private readonly sliceUs: number;
  /** Replacements every slice. */
  private readonly churnWhole: number;
  /** One more replacement when a 32-bit draw is below this (0: never, no draw). */
  private readonly churnThreshold: number;
  /** Zipf rank sampler (rank r = slot r - 1), or undefined for uniform popularity. */
  private readonly drawRank: ((rng: RandomGenerator) => number) | undefined;
  private readonly slotVm: Float64Array;
  private readonly vcpuCpu: Int32Array;
  private readonly cpuVcpu: Int32Array;
  /** Per CPU, the context it runs (0 when idle). */
  private readonly cpuContext: Float64Array;
  private nextVmNumber: number;
  /** Slots 0..pinned-1 hold pinned VMs. */
  private readonly pinned: number;

  /** `options` validated. */
  constructor(options: SimOptions, lockstep: PolicyLockstep) {
    this.rng = xoroshiro128plus(options.seed | 0);
    this.lockstep = lockstep;
    this.vms = options.vms;
    this.vcpusPerVm = options.vcpusPerVm;
    this.nested = options.nested;
    this.contextsPerVm = options.nested ? 1 + 2 * options.vcpusPerVm : 1;
    this.put = options.put;
    this.sliceUs = options.sliceUs;
    const perSlice = options.churn / 1000;
    this.churnWhole = Math.floor(perSlice);
    this.churnThreshold = Math.round((perSlice - this.churnWhole) * TWO_POW_32);
    this.drawRank =
      options.popularity === "zipf" ? zipfSampler(options.vms, options.zipfSkew) : undefined;
    this.slotVm = new Float64Array(options.vms);
    for (let slot = 0; slot < options.vms; slot++) this.slotVm[slot] = slot + 1;
    this.nextVmNumber = options.vms + 1;
    this.vcpuCpu = new Int32Array(options.vms * options.vcpusPerVm).fill(NONE);
    this.cpuVcpu = new Int32Array(options.cpus).fill(NONE);
    this.cpuContext = new Float64Array(options.cpus);
    this.pinned = options.pinned;
    for (let slot = 0; slot < this.pinned; slot++) this.pinContext(this.ownContext(slot));
  }

  /** VM slot `slot`'s own stage-2 context. */
  private ownContext(slot: number): number {
    return (this.slotVm[slot] - 1) * this.contextsPerVm + 1;
  }

  /** Pins `context` (it gets an id now, so it counts among the contexts that got one). */
  private pinContext(context: number): void {
    if (this.lockstep.neverRan(context)) this.contextsRun++;
    this.lockstep.pin(context);
  }

  /**
   * Churn at the start of a slice: `floor(churn / 1000)` replacements, plus one more with
   * probability `churn / 1000 - floor(churn / 1000)`, rounded to a multiple of 2^-32 (one
   * 32-bit draw; no draw when it is 0). Each destroys
   * the VM of a uniformly drawn slot (popularity does not matter) and puts a never-used VM
   * number in the slot, with the slot's popularity. A destroyed VM's running vCPUs are
   * descheduled (put, when `put`); their CPUs idle until their slices end.
   */
  churn(): void {
    let replacements = this.churnWhole;
    if (this.churnThreshold > 0 && this.rng.next() >>> 0 < this.churnThreshold) replacements++;
    for (; replacements > 0; replacements--) this.replaceVm(uniformInt(this.rng, 0, this.vms - 1));
  }

  /**
   * The end of `cpu`'s slice: pick what it runs next (see `pickVcpu`), and with `nested`,
   * which context: the VM's own with probability 1/2, else one of the vCPU's two shadow
   * contexts, uniformly. The same vCPU in the same context continues (no put, no update).
   * Anything else deschedules the running vCPU (a put, when `put`; also when only the
   * context changes, as KVM puts and reloads a vCPU to switch its stage-2 MMU) and loads
   * the new one (an update). No runnable vCPU: the CPU idles for the slice.
   */
  switchOn(cpu: number): void {
    const vcpu = this.pickVcpu(cpu);
    const running = this.cpuVcpu[cpu];
    if (vcpu === NONE) {
      if (running !== NONE) this.deschedule(cpu, running);
      this.idleSlices++;
      return;
    }
    const slot = (vcpu / this.vcpusPerVm) | 0;
    let context = this.ownContext(slot);
    if (this.nested) {
      const choice = uniformInt(this.rng, 0, 3); // 0, 1: own; 2, 3: shadow 0, 1
      if (choice >= 2) context += 1 + 2 * (vcpu - slot * this.vcpusPerVm) + (choice - 2);
    }
    if (vcpu === running && context === this.cpuContext[cpu]) return;
    if (running !== NONE) this.deschedule(cpu, running);
    this.vcpuCpu[vcpu] = cpu;
    this.cpuVcpu[cpu] = vcpu;
    this.cpuContext[cpu] = context;
    this.updates++;
    if (this.lockstep.neverRan(context)) this.contextsRun++;
    this.lockstep.update(cpu, context);
  }

  /** The next slice's length: uniform in [0.5, 1.5) x `sliceUs`, in steps of 2^-32 (one draw). */
  drawSliceUs(): number {
    return (0.5 + (this.rng.next() >>> 0) / TWO_POW_32) * this.sliceUs;
  }

  /**
   * The vCPU `cpu` runs next, or NONE. Draws a VM slot by popularity, then uniformly one of
   * its vCPUs that no other CPU runs (this CPU's own vCPU is a candidate; no draw when there
   * is one candidate). A VM with none is redrawn, up to MAX_PICK_ATTEMPTS draws in all.
   */
  private pickVcpu(cpu: number): number {
    const rng = this.rng;
    const vcpusPerVm = this.vcpusPerVm;
    const vcpuCpu = this.vcpuCpu;
    for (let attempt = 0; attempt < MAX_PICK_ATTEMPTS; attempt++) {
      const slot =
        this.drawRank === undefined ? uniformInt(rng, 0, this.vms - 1) : this.drawRank(rng) - 1;
      const first = slot * vcpusPerVm;
      const end = first + vcpusPerVm;
      let candidates = 0;
      for (let vcpu = first; vcpu < end; vcpu++) {
        const at = vcpuCpu[vcpu];
        if (at === NONE || at === cpu) candidates++;
      }
      if (candidates === 0) continue;
      let chosen = candidates === 1 ? 0 : uniformInt(rng, 0, candidates - 1);
      for (let vcpu = first; vcpu < end; vcpu++) {
        const at = vcpuCpu[vcpu];
        if ((at === NONE || at === cpu) && chosen-- === 0) return vcpu;
      }
    }
    return NONE;
  }

  private deschedule(cpu: number, vcpu: number): void {
    this.vcpuCpu[vcpu] = NONE;
    this.cpuVcpu[cpu] = NONE;
    this.cpuContext[cpu] = 0;
    if (this.put) {
      this.puts++;
      this.lockstep.put(cpu);
    }
  }

  private replaceVm(slot: number): void {
    const first = slot * this.vcpusPerVm;
    for (let vcpu = first; vcpu < first + this.vcpusPerVm; vcpu++) {
      const cpu = this.vcpuCpu[vcpu];
      if (cpu !== NONE) this.deschedule(cpu, vcpu);
    }
    const pinned = slot < this.pinned;
    if (pinned) this.lockstep.unpin(this.ownContext(slot));
    this.slotVm[slot] = this.nextVmNumber++;
    if (pinned) this.pinContext(this.ownContext(slot));
    this.vmsReplaced++;
  }
}
