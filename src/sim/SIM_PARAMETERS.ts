import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { ALLOCATOR_NAMES } from "../core/IdSpace.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";
import { MAX_BITS, MAX_CPUS, MIN_CPUS } from "../core/validateConfig.js";
import type { NumberRange } from "./NumberRange.js";
import type { SimOptions } from "./SimOptions.js";

/** One simulator parameter: how `vmid simulate` spells it, what it means, what it accepts. */
export interface SimParameter {
  /** The `vmid simulate` flag that sets it (its name in a sweep configuration is the key). */
  readonly flag: string;
  /** The flag's value in help: `N` in `--cpus <N>`. */
  readonly placeholder?: string;
  readonly meaning: string;
  /** For a number: the values accepted. */
  readonly range?: NumberRange;
  /** For a choice: the values accepted. */
  readonly choices?: readonly string[];
}

/** The values of `popularity`. */
export const POPULARITIES = ["uniform", "zipf"] as const;

/**
 * Every simulator parameter, declared once: the `vmid simulate` options are defined and
 * parsed from this table, the sweep configuration's schema (and so `vmid report`'s) is built
 * from it, and `validateSimOptions` checks a library caller's options against it. Beyond each
 * range, `validateSimOptions` requires 2^bits - 1 > cpus (see `validateConfig`).
 *
 * The bounds past the allocator's own (bits, cpus) keep a typo from running for hours or
 * overflowing: at most 1,000,000 VMs of 64 vCPUs, 10^10 slices (about five hours at the
 * default size), 10 s slices, one VM replaced per slice (1000 per 1000), a Zipf exponent
 * of 10 (beyond it one VM gets nearly every slice).
 */
export const SIM_PARAMETERS = {
  seed: {
    flag: "--seed",
    placeholder: "SEED",
    meaning: "PRNG seed (the same seed gives the same result)",
    range: { integer: true, min: 0, max: 0xffff_ffff },
  },
  cpus: {
    flag: "--cpus",
    placeholder: "N",
    meaning: "host CPUs, with 2^B - 1 > N",
    range: { integer: true, min: MIN_CPUS, max: MAX_CPUS },
  },
  bits: {
    flag: "--bits",
    placeholder: "B",
    meaning: "VMID width (arm64: 8 or 16)",
    range: { integer: true, min: 2, max: MAX_BITS },
  },
  vms: {
    flag: "--vms",
    placeholder: "V",
    meaning: "VMs alive at once (churn replaces them, keeping the count)",
    range: { integer: true, min: 1, max: 1_000_000 },
  },
  vcpusPerVm: {
    flag: "--vcpus",
    placeholder: "K",
    meaning: "vCPUs per VM",
    range: { integer: true, min: 1, max: 64 },
  },
  slices: {
    flag: "--slices",
    placeholder: "S",
    meaning: "scheduler time slices to simulate, over all CPUs",
    range: { integer: true, min: 1, max: 1e10 },
  },
  sliceUs: {
    flag: "--slice-us",
    placeholder: "U",
    meaning: "mean time slice, microseconds",
    range: { integer: false, min: 0, minExclusive: true, max: 1e7 },
  },
  churn: {
    flag: "--churn",
    placeholder: "C",
    meaning: "VMs replaced (destroyed and created) per 1000 slices",
    range: { integer: false, min: 0, max: 1000 },
  },
  popularity: {
    flag: "--popularity",
    placeholder: "kind",
    meaning: "how VMs are picked to run",
    choices: POPULARITIES,
  },
  zipfSkew: {
    flag: "--zipf-skew",
    placeholder: "S",
    meaning: "Zipf exponent (only with --popularity zipf)",
    range: { integer: false, min: 0, minExclusive: true, max: 10 },
  },
  put: {
    flag: "--no-put",
    meaning: "descheduled vCPUs are not put (the seed, before clearActive)",
  },
  nested: {
    flag: "--nested",
    meaning: "nested virtualisation: up to 2 x vCPUs shadow stage-2 contexts per VM",
  },
  pinned: {
    flag: "--pinned",
    placeholder: "P",
    meaning:
      "pinned ids: the first P VMs keep their VMID pinned, P <= min(V, 2^B - N - 2), 2^B halved under --kpti",
    range: { integer: true, min: 0, max: 1_000_000 },
  },
  allocator: {
    flag: "--allocator",
    placeholder: "name",
    meaning:
      "vmid (KVM's VMID allocator) or asid (the arm64 ASID allocator: no put, deferred policies only)",
    choices: ALLOCATOR_NAMES,
  },
  kpti: {
    flag: "--kpti",
    meaning: "with --allocator asid: KPTI pairs (half the ids usable)",
  },
  policies: {
    flag: "--policy",
    placeholder: "strategy/flush",
    meaning: "a policy to compare (repeatable)",
    choices: STRATEGY_NAMES.flatMap((strategy) =>
      FLUSH_POLICIES.map((flush) => `${strategy}/${flush}`),
    ),
  },
  sampleEvery: {
    flag: "--sample-every",
    placeholder: "K",
    meaning: "time one slow path in K (0: none)",
    range: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
  },
} as const satisfies Record<keyof SimOptions, SimParameter>;

/** The parameters that are numbers. */
export type NumericSimParameter = {
  [K in keyof typeof SIM_PARAMETERS]: (typeof SIM_PARAMETERS)[K] extends { range: NumberRange }
    ? K
    : never;
}[keyof typeof SIM_PARAMETERS];
