import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { requireInput } from "../_internal/requireInput.js";
import {
  requireEventCount,
  requirePutProbability,
  requireSeed,
} from "../_internal/scheduleChecks.js";
import { zipfSampler } from "../_internal/zipfSampler.js";
import { type AllocatorName, idSpace } from "../core/IdSpace.js";
import { maxPinnedIn } from "../core/maxPinned.js";
import { validateConfig } from "../core/validateConfig.js";

/** Options of a generated trace. */
export interface TraceGenOptions {
  /** VMID width, 1..24. */
  readonly bits: number;
  /** CPUs, 1..4096, with 2^bits - 1 > cpus. */
  readonly cpus: number;
  /** VMs, numbered 1..vms; 1..10,000,000. */
  readonly vms: number;
  /** Events after the header, 0..2^53-1. */
  readonly events: number;
  /** Chance, 0..1, that an event on a CPU with a loaded vCPU puts it instead of running a VM. */
  readonly putProbability: number;
  /** Zipf exponent of VM popularity, 0..10: VM k is drawn with weight 1/k^zipf (0 = uniform). */
  readonly zipf: number;
  /** PRNG seed, an integer 0..4294967295 (xoroshiro128+). */
  readonly seed: number;
  /**
   * The allocator the trace is for (the VMID allocator by default): its ids-versus-CPUs
   * check; the ASID allocator has no put, so `putProbability` must be 0.
   */
  readonly allocator?: AllocatorName;
  /** ASID allocator: KPTI pairs (half the ids usable). */
  readonly kpti?: boolean;
  /**
   * Chance, 0..1, that an event is a `pin` or `unpin` (format v1 additions) instead of a CPU
   * event; 0 (the default) writes a plain v1 trace, the same as before pins existed.
   */
  readonly pinProbability?: number;
}

/** Largest VM count gen-trace accepts (its popularity table takes 8 bytes per VM). */
export const MAX_TRACE_VMS = 10_000_000;

/** Throws VmidInputError naming the first option that is out of range. */
export function validateTraceGenOptions(options: TraceGenOptions): void {
  const space = validateConfig(options.bits, options.cpus, options);
  const { vms, events, putProbability, zipf, seed } = options;
  requireInput(
    space.allocator !== "asid" || putProbability === 0,
    `the ASID allocator has no put: the put probability must be 0 (got ${putProbability})`,
  );
  requireInput(
    Number.isInteger(vms) && vms >= 1 && vms <= MAX_TRACE_VMS,
    `vms must be an integer from 1 to ${MAX_TRACE_VMS} (got ${vms})`,
  );
  requireEventCount(events);
  requirePutProbability(putProbability);
  requireInput(zipf >= 0 && zipf <= 10, `zipf skew must be from 0 to 10 (got ${zipf})`);
  requireSeed(seed);
  const pin = options.pinProbability ?? 0;
  requireInput(pin >= 0 && pin <= 1, `pin probability must be from 0 to 1 (got ${pin})`);
}

/** The gen-trace command line that reproduces a trace, as written in its first comment. */
export function traceGenCommand(options: TraceGenOptions): string {
  const { bits, cpus, vms, events, putProbability, zipf, seed } = options;
  const allocator = `${options.allocator === "asid" ? " --allocator asid" : ""}${options.kpti === true ? " --kpti" : ""}`;
  const pins =
    (options.pinProbability ?? 0) > 0 ? ` --pin-probability ${options.pinProbability}` : "";
  return `vmid gen-trace --bits ${bits} --cpus ${cpus} --vms ${vms} --events ${events} --put-probability ${putProbability} --zipf ${zipf}${pins} --seed ${seed}${allocator}`;
}

/**
 * A seeded random trace in format v1, as text chunks of about 64 KiB: a comment with the
 * command that reproduces it, the header, then `events` events. Each event picks a CPU
 * uniformly; if a vCPU is loaded there, it is put with probability `putProbability`,
 * otherwise the CPU runs a VM drawn by popularity. With a pin probability P > 0, an event is
 * first, with chance P, a pin event instead: with chance 1/2, when the trace has pinned VMs,
 * `unpin` of one of them (uniformly), otherwise `pin` of a VM drawn by popularity (which
 * fails in the replay when maxPinned VMs are pinned already; the generator tracks the pins
 * the replay will grant, so every unpin is of a pinned VM). Same options, same text.
 */
export function* generateTrace(options: TraceGenOptions): Generator<string> {
  validateTraceGenOptions(options);
  const rng = xoroshiro128plus(options.seed | 0);
  const drawVm = zipfSampler(options.vms, options.zipf);
  const loaded = new Uint8Array(options.cpus);
  const lastCpu = options.cpus - 1;
  let text = `# ${traceGenCommand(options)}\n# trace format v1\nbits ${options.bits}\ncpus ${options.cpus}\n`;
  const pinProbability = options.pinProbability ?? 0;
  const pinLimit = maxPinnedIn(
    idSpace(options.bits, { allocator: options.allocator, kpti: options.kpti }),
    options.cpus,
  );
  const pinCounts = new Map<number, number>();
  const pinnedVms: number[] = [];
  for (let event = 0; event < options.events; event++) {
    if (pinProbability > 0 && uniformFloat64(rng) < pinProbability) {
      if (pinnedVms.length > 0 && uniformFloat64(rng) < 0.5) {
        const at = uniformInt(rng, 0, pinnedVms.length - 1);
        const vm = pinnedVms[at];
        const count = (pinCounts.get(vm) ?? 0) - 1;
        pinCounts.set(vm, count);
        if (count === 0) {
          pinnedVms[at] = pinnedVms[pinnedVms.length - 1];
          pinnedVms.pop();
        }
        text += `unpin ${vm}\n`;
      } else {
        const vm = drawVm(rng);
        const count = pinCounts.get(vm) ?? 0;
        if (count > 0 || pinnedVms.length < pinLimit) {
          pinCounts.set(vm, count + 1);
          if (count === 0) pinnedVms.push(vm);
        }
        text += `pin ${vm}\n`;
      }
    } else {
      const cpu = uniformInt(rng, 0, lastCpu);
      if (loaded[cpu] === 1 && uniformFloat64(rng) < options.putProbability) {
        loaded[cpu] = 0;
        text += `put ${cpu}\n`;
      } else {
        loaded[cpu] = 1;
        text += `run ${cpu} ${drawVm(rng)}\n`;
      }
    }
    if (text.length >= 65536) {
      yield text;
      text = "";
    }
  }
  yield text;
}
