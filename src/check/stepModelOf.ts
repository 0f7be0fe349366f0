import { type CheckOptions, checkModelLayout } from "./CheckOptions.js";
import type { StepModel } from "./stepModel.js";

/**
 * The step model a check explores: the options' layout, bound, flags and mutant, with TLB
 * contents and loaded guests kept only when speculation or a checked invariant reads them
 * (see StepModel.trackTlb). `explore` and the `vmid view` page both build their model here,
 * so a page steps exactly the transitions the checker explores.
 */
export function stepModelOf(options: CheckOptions): StepModel {
  return {
    layout: checkModelLayout(options),
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
          name === "PutDropsReservation" ||
          name === "PinnedIdxExclusive",
      ),
  };
}
