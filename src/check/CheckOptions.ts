import { requireInput } from "../_internal/requireInput.js";
import { FLUSH_POLICIES, type FlushPolicy } from "../core/FlushPolicy.js";
import { MUTANTS, type MutantName } from "../core/Mutant.js";
import { maxPinned } from "../core/maxPinned.js";
import { INVARIANT_NAMES, type InvariantName, PIN_INVARIANTS } from "./invariants.js";

/** A configuration to explore: every interleaving of `cpus` CPUs running the allocator. */
export interface CheckOptions {
  /** CPUs, 1..4. */
  readonly cpus: number;
  /** VMs, 1..8; VMs are symmetric (the checker explores one state per relabelling). */
  readonly vms: number;
  /** VMID width, 1..4, with 2^bits - 1 > cpus. */
  readonly bits: number;
  /**
   * A generation bound, 1..8 (3 = two full rollovers): a rollover beyond it is cut and the
   * verdict is at best `bounded`, as with TLC's constraint. Undefined (the default): every
   * generation, made finite by renaming generations (see renameGenerations).
   */
  readonly generations?: number;
  /** Whether a CPU's scheduler may put its vCPU (mainline's clearActive). */
  readonly puts: boolean;
  /** Whether a CPU may fill its TLB for its loaded guest at any step (speculation). */
  readonly speculation: boolean;
  /** Leaving a guest for an update makes it unreachable for TLB fills (see StepModel). */
  readonly exitUnloads: boolean;
  /** How rollovers flush TLBs: `broadcast` (the seed) or `deferred` (see StepModel). */
  readonly flush: FlushPolicy;
  /**
   * Whether idle CPUs may pin and unpin VMs (pinned ids, see stepModel's pinLock); needs
   * `maxPinned = 2^bits - cpus - 2` of at least 1. Off by default.
   */
  readonly pins?: boolean;
  readonly mutant?: MutantName;
  /** The invariants to check; all by default. */
  readonly invariants: readonly InvariantName[];
  /** Stop (inconclusive) after this many distinct states. */
  readonly maxStates: number;
}

/** Defaults of `vmid check`: the kernel developers' TLA+ configuration with 3 VMs. */
export const CHECK_DEFAULTS = {
  cpus: 2,
  vms: 3,
  bits: 2,
  puts: true,
  speculation: false,
  exitUnloads: false,
  flush: "broadcast",
  // LoadedVMIDPerTask is the TLA+ model's SameVMIDPerTask, which the algorithm is known not to
  // keep (docs/unique-vmid-per-cpu.md): checked only when asked for. The pin invariants hold
  // trivially without pins: they are the default only with --pins (PIN_INVARIANTS).
  invariants: INVARIANT_NAMES.filter(
    (name) => name !== "LoadedVMIDPerTask" && !PIN_INVARIANTS.includes(name),
  ) as readonly InvariantName[],
  maxStates: 100_000_000,
} as const satisfies Partial<CheckOptions>;

/** The default invariants of a check with or without pins. */
export function defaultInvariants(pins: boolean): readonly InvariantName[] {
  return pins ? [...CHECK_DEFAULTS.invariants, ...PIN_INVARIANTS] : CHECK_DEFAULTS.invariants;
}

/** Throws VmidInputError naming the first option out of range. */
export function validateCheckOptions(options: CheckOptions): void {
  const { cpus, vms, bits, generations, maxStates } = options;
  requireInput(
    Number.isInteger(cpus) && cpus >= 1 && cpus <= 4,
    `cpus must be an integer from 1 to 4 (got ${cpus})`,
  );
  requireInput(
    Number.isInteger(vms) && vms >= 1 && vms <= 8,
    `vms must be an integer from 1 to 8 (got ${vms})`,
  );
  requireInput(
    Number.isInteger(bits) && bits >= 1 && bits <= 4,
    `bits must be an integer from 1 to 4 (got ${bits})`,
  );
  requireInput(
    2 ** bits - 1 > cpus,
    `bits ${bits} gives ${2 ** bits - 1} usable VMIDs for ${cpus} CPUs: need more VMIDs than CPUs (2^bits - 1 > cpus)`,
  );
  requireInput(
    vms * 2 ** bits <= 31,
    `vms x 2^bits must be at most 31 (one TLB bit per VM and idx; got ${vms * 2 ** bits})`,
  );
  requireInput(
    generations === undefined ||
      (Number.isInteger(generations) && generations >= 1 && generations <= 8),
    `generations must be an integer from 1 to 8 (got ${generations})`,
  );
  requireInput(
    Number.isInteger(maxStates) && maxStates >= 1,
    `max states must be a positive integer (got ${maxStates})`,
  );
  requireInput(
    FLUSH_POLICIES.includes(options.flush),
    `unknown flush policy '${options.flush}' (expected ${FLUSH_POLICIES.join(", ")})`,
  );
  requireInput(
    options.mutant === undefined || Object.hasOwn(MUTANTS, options.mutant),
    `unknown mutant '${options.mutant}'`,
  );
  requireInput(
    options.mutant !== "no-put-flush" || options.flush === "deferred",
    "mutant no-put-flush changes only the deferred flush policy: add --flush deferred",
  );
  const pinLimit = maxPinned(2 ** bits, cpus);
  requireInput(
    options.pins !== true || pinLimit > 0,
    `--pins: bits ${bits} on ${cpus} CPUs allow no pins (maxPinned = 2^bits - cpus - 2 = ${pinLimit}): need 2^bits - cpus - 2 >= 1`,
  );
  requireInput(
    options.pins === true ||
      (options.mutant !== "forget-pinned-map" && options.mutant !== "pinned-before-reserved"),
    `mutant ${options.mutant} changes only runs with pinned ids: add --pins`,
  );
  for (const name of options.invariants) {
    requireInput(
      INVARIANT_NAMES.includes(name),
      `unknown invariant '${name}' (expected ${INVARIANT_NAMES.join(", ")})`,
    );
  }
}
