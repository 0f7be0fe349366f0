import { requireInput } from "../_internal/requireInput.js";
import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { availableIdCount } from "../core/IdSpace.js";
import { maxPinnedIn } from "../core/maxPinned.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";
import { validateConfig } from "../core/validateConfig.js";
import { describeRange, inRange } from "./NumberRange.js";
import { type Policy, policyLabel } from "./Policy.js";
import { POPULARITIES, SIM_PARAMETERS, type SimParameter } from "./SIM_PARAMETERS.js";
import type { SimOptions } from "./SimOptions.js";

/** Smallest VMID width the simulator takes (every range: `SIM_PARAMETERS`). */
export const MIN_SIM_BITS = SIM_PARAMETERS.bits.range.min;
/** Most VMs alive at once. */
export const MAX_SIM_VMS = SIM_PARAMETERS.vms.range.max;
/** Most vCPUs per VM. */
export const MAX_VCPUS_PER_VM = SIM_PARAMETERS.vcpusPerVm.range.max;
/** Most VM replacements per 1000 slices: one per slice. */
export const MAX_CHURN = SIM_PARAMETERS.churn.range.max;

/**
 * The simulator's default point: a 64-CPU host with 8-bit VMIDs and 400 two-vCPU VMs
 * (800 vCPUs for 255 usable ids: rollovers recur), mainline's put, light churn, every
 * strategy under both flush policies. Runs in about 2 s on a 2-vCPU machine.
 */
export const SIM_DEFAULTS: SimOptions = Object.freeze({
  seed: 1,
  cpus: 64,
  bits: 8,
  vms: 400,
  vcpusPerVm: 2,
  slices: 1_000_000,
  sliceUs: 3000,
  churn: 1,
  popularity: "uniform",
  zipfSkew: 1,
  put: true,
  nested: false,
  pinned: 0,
  policies: Object.freeze(
    STRATEGY_NAMES.flatMap((strategy) =>
      FLUSH_POLICIES.map((flush): Policy => Object.freeze({ strategy, flush })),
    ),
  ),
  sampleEvery: 64,
});

/**
 * Throws VmidInputError naming the first option out of range, with the range accepted and
 * the value got: the ranges of `SIM_PARAMETERS`, and `2^bits - 1 > cpus` (`validateConfig`).
 * `nameOf` gives the name an option has for the caller: its key by default, its flag for
 * `vmid simulate` (`--slice-us`).
 */
export function validateSimOptions(
  options: SimOptions,
  nameOf: (option: keyof SimOptions) => string = (option) => option,
): void {
  for (const [option, parameter] of Object.entries(SIM_PARAMETERS) as [
    keyof SimOptions,
    SimParameter,
  ][]) {
    const value = options[option];
    if (parameter.range !== undefined) {
      requireInput(
        inRange(parameter.range, value),
        `${nameOf(option)} must be ${describeRange(parameter.range)} (got ${String(value)})`,
      );
    }
  }
  const space = validateConfig(options.bits, options.cpus, options);
  if (space.allocator === "asid") {
    requireInput(!options.put, "the ASID allocator has no put: simulate it with put off");
    requireInput(
      options.policies.every((policy) => policy.flush === "deferred"),
      "the ASID allocator flushes each CPU in its slow path: every policy's flush must be deferred",
    );
  }
  requireInput(
    POPULARITIES.some((kind) => kind === options.popularity),
    `${nameOf("popularity")} must be ${POPULARITIES.map((kind) => `'${kind}'`).join(" or ")} (got '${options.popularity}')`,
  );
  for (const option of ["put", "nested"] as const) {
    requireInput(
      typeof options[option] === "boolean",
      `${nameOf(option)} must be true or false (got ${String(options[option])})`,
    );
  }
  const pinLimit = Math.max(0, Math.min(options.vms, maxPinnedIn(space, options.cpus)));
  requireInput(
    options.pinned <= pinLimit,
    `${nameOf("pinned")} must be at most min(vms, N - cpus - 2) = ${pinLimit} (N = ${availableIdCount(space)}: 2^bits, halved under KPTI) (got ${options.pinned})`,
  );
  validatePolicies(options.policies);
}

/** At least one policy, each with a known strategy and flush policy, no two alike. */
function validatePolicies(policies: readonly Policy[]): void {
  requireInput(
    Array.isArray(policies) && policies.length >= 1,
    `policies must be a non-empty list of {strategy, flush} (got ${JSON.stringify(policies)})`,
  );
  const seen = new Set<string>();
  policies.forEach((policy, index) => {
    requireInput(
      STRATEGY_NAMES.includes(policy?.strategy),
      `policies[${index}].strategy must be one of ${STRATEGY_NAMES.join(", ")} (got '${policy?.strategy}')`,
    );
    requireInput(
      FLUSH_POLICIES.includes(policy.flush),
      `policies[${index}].flush must be one of ${FLUSH_POLICIES.join(", ")} (got '${policy.flush}')`,
    );
    const label = policyLabel(policy);
    requireInput(
      !seen.has(label),
      `policies[${index}] repeats '${label}': each policy at most once`,
    );
    seen.add(label);
  });
}
