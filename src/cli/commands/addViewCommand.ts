import type { Command } from "commander";
import { helpSections } from "../helpText.js";
import { addCheckModelOptions } from "./addCheckModelOptions.js";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid view -o FILE`; the page renderer loads only when it runs. */
export function addViewCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("view")
    .summary("write an HTML page to step the model by hand")
    .description(
      "Write one self-contained HTML page that runs the checker's step model: it shows a " +
        "state (CPUs, map, generation, VM ids, TLBs), lists every enabled transition, takes " +
        "the one clicked and checks the invariants after each step. Works from file://.",
    )
    .requiredOption("-o, --output <file>", "the HTML file to write");
  addCheckModelOptions(command)
    .addHelpText(
      "after",
      helpSections([
        {
          lines: [
            "The model options are vmid check's. To step through a counterexample:",
            "vmid check ... --html FILE. To see a trace replayed:",
            "vmid replay TRACE --html FILE.",
            "Keys: Left/Right step, Home/End first/last, Backspace undo.",
          ],
        },
      ]),
    )
    .action(async (options) => {
      const { viewCommand } = await import("../viewCommand.js");
      setExit(viewCommand(options));
    });
}
