import type { Command } from "commander";
import { CHECK_DEFAULTS } from "../../check/CheckOptions.js";
import { INVARIANT_NAMES, INVARIANTS } from "../../check/invariants.js";
import { helpSections } from "../helpText.js";
import { parseCount } from "../optionParsers.js";
import { addCheckModelOptions } from "./addCheckModelOptions.js";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid check`; the model checker loads only when it runs. */
export function addCheckCommand(program: Command, setExit: SetExit): void {
  const k = CHECK_DEFAULTS;
  const command = program
    .command("check")
    .summary("model-check every interleaving of a small setup")
    .description(
      "Explore every interleaving of a small configuration (breadth-first, so the first " +
        "counterexample is a shortest one) at the seed's atomic granularity, with a hardware " +
        "model of each CPU's loaded guest and TLB, and check the named invariants.",
    );
  addCheckModelOptions(command)
    .option(
      "--max-states <S>",
      "stop, inconclusive, after this many states",
      parseCount,
      k.maxStates,
    )
    .option(
      "--jobs <J>",
      "worker threads, 1..64, each owning the states that hash to it; 1: none, the " +
        "sequential search (a counterexample may differ with the jobs, not its length)",
      parseCount,
      1,
    )
    .option("--json", "print the result as JSON", false)
    .option(
      "--html <file>",
      "also write an HTML page to step through the counterexample (see vmid view)",
    )
    .option("--quiet", "show no running count of states on stderr", false)
    .addHelpText(
      "after",
      helpSections([
        { title: "Invariants:", items: INVARIANT_NAMES.map((name) => [name, INVARIANTS[name]]) },
        {
          text:
            "Without --generations every generation is explored: states that differ only in the " +
            "names of their generations (same current and previous generation, same equalities) " +
            "are explored once, which makes the state space finite, and holds means for every " +
            "number of rollovers (up to the 64-bit generation counter's wrap-around, which the " +
            "model leaves out).",
        },
        {
          text:
            "Exit codes: 0 every invariant holds over the full exploration, 1 counterexample, " +
            "2 bad input, 3 fault, 4 bounded or inconclusive (a bound was hit: no verdict).",
        },
      ]),
    )
    .action(async (options) => {
      const { checkCommand } = await import("../checkCommand.js");
      setExit(await checkCommand(options));
    });
}
