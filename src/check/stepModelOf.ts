import type { CheckOptions } from "./CheckOptions.js";
import { modelLayout } from "./ModelLayout.js";
import type { StepModel } from "./stepModel.js";

/**
 * The step model a check explores: the options' layout, bound, flags and mutant, with TLB
 * contents and loaded guests kept only when speculation or a checked invariant reads them
 * (see StepModel.trackTlb). Every partition of a search (StatePartition) and the
 * counterexample's replay build their model here.
 */
export function stepModelOf(options: CheckOptions): StepModel {
  return {
    layout: modelLayout(options.cpus, options.vms, options.bits),
    generations: options.generations ?? Number.POSITIVE_INFINITY,
    puts: options.puts,
    speculation: options.speculation,
    mutant: options.mutant,
    exitUnloads: options.exitUnloads,
    flush: options.flush,
    trackTlb:
      options.speculation ||
      options.invariants.some((name) => name === "UniqueVMIDPerCPU" || name === "ReusedIdxFlushed"),
    trackLoaded:
      options.speculation ||
      options.puts ||
      options.invariants.some(
        (name) =>
          name === "UniqueVMIDPerCPU" ||
          name.startsWith("SameVMID") ||
          name === "LoadedVMIDPerTask" ||
          name === "PutDropsReservation",
      ),
  };
}
