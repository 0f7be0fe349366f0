import { type Command, Option } from "commander";
import { CHECK_DEFAULTS } from "../../check/CheckOptions.js";
import { INVARIANT_NAMES } from "../../check/invariants.js";
import { FLUSH_POLICIES } from "../../core/FlushPolicy.js";
import { MUTANT_NAMES } from "../../core/Mutant.js";
import { parseCount, parseMutant } from "../optionParsers.js";
import { withAllocatorOptions } from "./withAllocatorOptions.js";

/**
 * Adds the options that choose a model configuration (allocator, CPUs, VMs, width, bound,
 * mutant, flush policy, hardware flags, invariants): `vmid check` explores it, `vmid view` writes a page
 * that steps it.
 */
export function addCheckModelOptions(command: Command): Command {
  const k = CHECK_DEFAULTS;
  withAllocatorOptions(command);
  return command
    .option("--cpus <N>", "CPUs, 1..4", parseCount, k.cpus)
    .option("--vms <V>", "VMs, 1..8 (symmetric), with V x 2^B <= 31", parseCount, k.vms)
    .option("--bits <B>", "VMID width, 1..4, with 2^B - 1 > N", parseCount, k.bits)
    .option(
      "--generations <G>",
      "bound the generations, 1..8 (3 = two full rollovers), as TLC's constraint does: a " +
        "rollover past G is cut and the verdict is at best bounded (default: every generation)",
      parseCount,
    )
    .addOption(
      new Option("--mutant <name>", "check a deliberate bug instead")
        .choices(MUTANT_NAMES)
        .argParser(parseMutant),
    )
    .addOption(
      new Option(
        "--flush <policy>",
        "how rollovers flush TLBs: broadcast (the seed) or deferred (each CPU flushes itself; " +
          "the ASID allocator's, and its only one) (default: broadcast; deferred with --allocator asid)",
      ).choices(FLUSH_POLICIES),
    )
    .option("--speculation", "a CPU may fill its TLB for its loaded guest at any step", false)
    .option(
      "--no-puts",
      "schedulers never put a vCPU (the seed, before clearActive; always so with --allocator asid)",
    )
    .option(
      "--pins",
      "idle CPUs may also pin and unpin VMs (pinned ids; needs 2^B - N - 2 >= 1, 2^B " +
        "halved under --kpti), and the pin invariants are checked by default",
      false,
    )
    .option(
      "--exit-unloads",
      "a CPU leaving its guest for an update can no longer fill TLB entries for it",
      false,
    )
    .option(
      "--no-cnp",
      "with --allocator asid: leave out CnP's switch to the reserved TTBR0 at the start of " +
        "an update (on by default: the CPU can no longer fill TLB entries for its previous " +
        "task while the allocator runs, as --exit-unloads does for vmid)",
    )
    .addOption(
      new Option(
        "--invariant <name>",
        "check only this invariant (repeatable; default: all but LoadedVMIDPerTask, and the " +
          "Pinned ones only with --pins)",
      )
        .choices(INVARIANT_NAMES)
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    );
}
