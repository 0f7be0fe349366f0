import type { Command } from "commander";
import { defaultJobs } from "../defaultJobs.js";
import { parseCount } from "../optionParsers.js";

/** Adds the options of a command that runs a sweep into a directory: jobs, resume, force, quiet. */
export function addSweepRunOptions(command: Command): Command {
  return command
    .option(
      "--jobs <J>",
      `worker threads, 1..64 (default: ${defaultJobs()}, one per core)`,
      parseCount,
    )
    .option("--resume", "continue the sweep already in the output directory", false)
    .option("--force", "discard a sweep already in the output directory and start over", false)
    .option("--quiet", "show no progress bar on stderr", false);
}
