import type { Command } from "commander";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid report SWEEP -o FILE`; the renderer loads only when it runs. */
export function addReportCommand(program: Command, setExit: SetExit): void {
  program
    .command("report")
    .summary("render a sweep's results as one HTML file")
    .description(
      "Render a sweep's results (sweep.json) as one self-contained HTML file: lock " +
        "cost vs CPUs per strategy, rollovers vs VMs, broadcast vs deferred flushes, " +
        "counted's skip rate, and every row. Works from file://, fetches nothing.",
    )
    .argument("<sweep>", "the sweep.json that vmid sweep wrote")
    .requiredOption("-o, --output <file>", "the HTML file to write")
    .option("--title <text>", "the page's title")
    .action(async (input: string, options: { output: string; title?: string }) => {
      const { reportCommand } = await import("../reportCommand.js");
      setExit(reportCommand({ input, ...options }));
    });
}
