import type { Command } from "commander";
import { addSweepRunOptions } from "./addSweepRunOptions.js";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid study`; the sweep runner and the report load only when it runs. */
export function addStudyCommand(program: Command, setExit: SetExit): void {
  const study = program
    .command("study")
    .summary("run the built-in study: sweep, report, findings")
    .description(
      "The study of the review's questions: run the built-in sweep (8-4096 CPUs, " +
        "8- and 16-bit VMIDs, 100-100,000 VMs, every policy; under a minute on " +
        "2 cores), write DIR/sweep.json, sweep.csv and report.html, and print the " +
        "headline findings.",
    )
    .option("-o, --out <dir>", "output directory", "vmid-study")
    .option("--json", "print the findings and the files written as JSON", false);
  addSweepRunOptions(study).action(async (options) => {
    const { studyCommand } = await import("../studyCommand.js");
    setExit(await studyCommand(options));
  });
}
