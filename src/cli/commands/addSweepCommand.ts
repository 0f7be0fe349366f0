import type { Command } from "commander";
import { addSweepRunOptions } from "./addSweepRunOptions.js";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid sweep CONFIG -o DIR`; the sweep runner loads only when it runs. */
export function addSweepCommand(program: Command, setExit: SetExit): void {
  const sweep = program
    .command("sweep")
    .summary("run a grid of simulations on worker threads")
    .description(
      "Run a grid of simulations from a JSON configuration (validated; see the " +
        "README) on worker threads, with a progress bar. Results go to DIR/sweep.json " +
        "and DIR/sweep.csv; an interrupted sweep continues with --resume without " +
        "redoing finished points.",
    )
    .argument("<config>", "sweep configuration file (JSON)")
    .requiredOption("-o, --out <dir>", "output directory")
    .option("--json", "print the summary as JSON", false);
  addSweepRunOptions(sweep).action(async (config: string, options) => {
    const { sweepCommand } = await import("../sweepCommand.js");
    setExit(await sweepCommand(config, options));
  });
}
