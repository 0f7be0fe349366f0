import { requireInput } from "../_internal/requireInput.js";
import { FLUSH_POLICIES, type FlushPolicy } from "../core/FlushPolicy.js";
import {
  type AllocatorName,
  availableIdCount,
  type IdSpace,
  idSpace,
  usableIdCount,
} from "../core/IdSpace.js";
import { MUTANTS, type MutantName } from "../core/Mutant.js";
import { maxPinnedIn } from "../core/maxPinned.js";
import { INVARIANT_NAMES, type InvariantName, PIN_INVARIANTS } from "./invariants.js";
import { type ModelLayout, modelLayout } from "./ModelLayout.js";

/** A configuration to explore: every interleaving of `cpus` CPUs running the allocator. */
export interface CheckOptions {
  /** CPUs, 1..4. */
  readonly cpus: number;
  /** VMs, 1..8; VMs are symmetric (the checker explores one state per relabelling). */
  readonly vms: number;
  /** VMID width, 1..4, with more usable ids than CPUs (2^bits - 1, or under KPTI 2^(bits-1) - 1). */
  readonly bits: number;
  /**
   * The allocator: `vmid` (the default) or `asid`, the arm64 ASID allocator, which needs the
   * `deferred` flush and no puts (docs/allocator.md#asid-allocator).
   */
  readonly allocator?: AllocatorName;
  /** ASID allocator: KPTI pairs (every odd idx reserved at init and at each rollover). */
  readonly kpti?: boolean;
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
  /**
   * Leaving a guest for an update makes it unreachable for TLB fills (see StepModel): for
   * the ASID allocator, CnP's switch to the reserved TTBR0 at the start of
   * `check_and_switch_context`.
   */
  readonly exitUnloads: boolean;
  /** How rollovers flush TLBs: `broadcast` (the seed) or `deferred` (see StepModel). */
  readonly flush: FlushPolicy;
  /**
   * Whether idle CPUs may pin and unpin VMs (pinned ids, see stepModel's pinLock); needs
   * `maxPinned = N - cpus - 2` of at least 1 (N = 2^bits, halved under KPTI). Off by default.
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

/** The id space of a check's options; throws VmidInputError for KPTI without `asid`. */
export function checkIdSpace(options: CheckOptions): IdSpace {
  return idSpace(options.bits, { allocator: options.allocator, kpti: options.kpti });
}

/** The model layout of a check's options: its id space, and pin fields with `pins`. */
export function checkModelLayout(options: CheckOptions): ModelLayout {
  return modelLayout(
    options.cpus,
    options.vms,
    options.bits,
    checkIdSpace(options),
    options.pins === true,
  );
}

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
  const space = checkIdSpace(options);
  if (!space.kpti) {
    requireInput(
      2 ** bits - 1 > cpus,
      `bits ${bits} gives ${2 ** bits - 1} usable VMIDs for ${cpus} CPUs: need more VMIDs than CPUs (2^bits - 1 > cpus)`,
    );
  } else {
    const usable = usableIdCount(space);
    requireInput(
      usable > cpus,
      `bits ${bits} gives ${usable} usable ids (KPTI pairs) for ${cpus} CPUs: need more ids than CPUs (2^(bits-1) - 1 > cpus)`,
    );
  }
  if (space.allocator === "asid") {
    requireInput(
      options.flush === "deferred",
      "the ASID allocator flushes each CPU's TLB in its next slow path: use --flush deferred (its default)",
    );
    requireInput(!options.puts, "the ASID allocator has no put: use --no-puts (its default)");
    requireInput(
      options.mutant !== "clear-to-zero" && options.mutant !== "no-put-flush",
      `mutant ${options.mutant} changes the put, which the ASID allocator has not`,
    );
  }
  // One TLB bit per VM and idx, bit (vm - 1) x N + idx of an Int32 word, bits 0..30. Under
  // KPTI only even idx are handed out, so the highest bit is (vms - 1) x N + N - 2.
  const tlbBits = options.kpti === true ? vms * 2 ** bits - 1 : vms * 2 ** bits;
  requireInput(
    tlbBits <= 31,
    options.kpti === true
      ? `vms x 2^bits must be at most 32 under KPTI (one TLB bit per VM and even idx; got ${vms * 2 ** bits})`
      : `vms x 2^bits must be at most 31 (one TLB bit per VM and idx; got ${vms * 2 ** bits})`,
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
  const pinLimit = maxPinnedIn(space, cpus);
  requireInput(
    options.pins !== true || pinLimit > 0,
    `--pins: bits ${bits} on ${cpus} CPUs${space.kpti ? " with KPTI" : ""} allow no pins (maxPinned = N - cpus - 2 = ${availableIdCount(space)} - ${cpus} - 2 = ${pinLimit}): need N - cpus - 2 >= 1, N = 2^bits${space.kpti ? " / 2 under KPTI" : ""}`,
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
