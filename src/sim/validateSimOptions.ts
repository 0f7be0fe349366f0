import { requireInput } from "../_internal/requireInput.js";
import { requireSeed } from "../_internal/scheduleChecks.js";
import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { maxPinned } from "../core/maxPinned.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";
import { MAX_BITS, validateConfig } from "../core/validateConfig.js";
import { type Policy, policyLabel } from "./Policy.js";
import type { SimOptions } from "./SimOptions.js";

/** Smallest VMID width the simulator takes (ranges of every option: `SimOptions`). */
export const MIN_SIM_BITS = 2;
/** Most VMs alive at once. */
export const MAX_SIM_VMS = 1_000_000;
/** Most vCPUs per VM. */
export const MAX_VCPUS_PER_VM = 64;
/**
 * Most VM replacements per 1000 slices: 1000 per slice. Not in `SimOptions` (which says only
 * `>= 0`); a bound so that a typo cannot make one slice loop for hours.
 */
export const MAX_CHURN = 1_000_000;

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
 * the value got. Ranges as documented on `SimOptions`; `bits` and `cpus` through
 * `validateConfig` (which also requires `2^bits - 1 > cpus`).
 */
export function validateSimOptions(options: SimOptions): void {
  requireSeed(options.seed);
  const { bits, cpus, vms, vcpusPerVm, slices, sliceUs, churn, zipfSkew, sampleEvery } = options;
  requireInput(
    Number.isInteger(bits) && bits >= MIN_SIM_BITS && bits <= MAX_BITS,
    `bits must be an integer from ${MIN_SIM_BITS} to ${MAX_BITS} (got ${bits})`,
  );
  validateConfig(bits, cpus);
  requireInput(
    Number.isInteger(vms) && vms >= 1 && vms <= MAX_SIM_VMS,
    `vms must be an integer from 1 to ${MAX_SIM_VMS} (got ${vms})`,
  );
  requireInput(
    Number.isInteger(vcpusPerVm) && vcpusPerVm >= 1 && vcpusPerVm <= MAX_VCPUS_PER_VM,
    `vcpusPerVm must be an integer from 1 to ${MAX_VCPUS_PER_VM} (got ${vcpusPerVm})`,
  );
  requireInput(
    Number.isSafeInteger(slices) && slices >= 1,
    `slices must be an integer from 1 to ${Number.MAX_SAFE_INTEGER} (got ${slices})`,
  );
  requireInput(
    typeof sliceUs === "number" && Number.isFinite(sliceUs) && sliceUs > 0,
    `sliceUs must be a finite number > 0 (got ${sliceUs})`,
  );
  requireInput(
    typeof churn === "number" && Number.isFinite(churn) && churn >= 0 && churn <= MAX_CHURN,
    `churn must be a number from 0 to ${MAX_CHURN} (VM replacements per 1000 slices) (got ${churn})`,
  );
  requireInput(
    options.popularity === "uniform" || options.popularity === "zipf",
    `popularity must be 'uniform' or 'zipf' (got '${options.popularity}')`,
  );
  requireInput(
    typeof zipfSkew === "number" && Number.isFinite(zipfSkew) && zipfSkew > 0,
    `zipfSkew must be a finite number > 0 (got ${zipfSkew})`,
  );
  requireInput(
    typeof options.put === "boolean",
    `put must be true or false (got ${String(options.put)})`,
  );
  requireInput(
    typeof options.nested === "boolean",
    `nested must be true or false (got ${String(options.nested)})`,
  );
  const pinLimit = Math.min(options.vms, maxPinned(2 ** options.bits, options.cpus));
  requireInput(
    Number.isInteger(options.pinned) &&
      options.pinned >= 0 &&
      options.pinned <= Math.max(0, pinLimit),
    `pinned must be an integer from 0 to min(vms, 2^bits - cpus - 2) = ${Math.max(0, pinLimit)} (got ${options.pinned})`,
  );
  validatePolicies(options.policies);
  requireInput(
    Number.isSafeInteger(sampleEvery) && sampleEvery >= 0,
    `sampleEvery must be an integer from 0 (no timing) to ${Number.MAX_SAFE_INTEGER} (got ${sampleEvery})`,
  );
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
