import { mkdirSync } from "node:fs";
import { readInputFile } from "../_internal/readInputFile.js";
import { requireInput } from "../_internal/requireInput.js";
import { runSweep } from "../sim/sweep/runSweep.js";
import type { SweepConfig, SweepOutput } from "../sim/sweep/SweepOutput.js";
import { parseSweepConfig } from "../sim/sweep/sweepConfigSchema.js";
import { sweepPoints } from "../sim/sweep/sweepPoints.js";
import { defaultJobs } from "./defaultJobs.js";
import { ExitCode } from "./ExitCode.js";
import { onInterrupt } from "./onInterrupt.js";
import { startProgressBar } from "./progressBar.js";
import { refuseOutputOverInput } from "./refuseOutputOverInput.js";
import { resumeCommandLine } from "./resumeCommandLine.js";
import {
  appendFinishedPoint,
  prepareSweepDirectory,
  sweepFiles,
  writeSweepOutput,
} from "./sweepFiles.js";

/** What commander hands `vmid sweep`. */
export interface SweepCommandOptions {
  readonly out: string;
  readonly jobs?: number;
  readonly resume: boolean;
  readonly force: boolean;
  readonly json: boolean;
  /** Show no progress bar. */
  readonly quiet?: boolean;
}

/**
 * Runs a sweep into `directory` with a progress bar on a terminal (none with `quiet`, see
 * showsProgress): resumable, the results written as sweep.json and sweep.csv at the end.
 * Interrupted (SIGINT, SIGTERM), it prints the command that continues it.
 * Shared by `vmid sweep` and `vmid study`.
 */
export async function runSweepInto(
  config: SweepConfig,
  directory: string,
  options: {
    readonly jobs: number;
    readonly resume: boolean;
    readonly force: boolean;
    readonly quiet?: boolean;
  },
): Promise<SweepOutput> {
  requireInput(
    Number.isInteger(options.jobs) && options.jobs >= 1 && options.jobs <= 64,
    `jobs must be an integer from 1 to 64 (got ${options.jobs})`,
  );
  const { points, skipped } = sweepPoints(config);
  requireInput(
    points.length > 0,
    `every point of the grid is invalid (first: ${skipped[0]?.reason ?? "an empty grid"})`,
  );
  mkdirSync(directory, { recursive: true });
  const runnable = new Set(points.map(({ point }) => point));
  const finished = prepareSweepDirectory(directory, { config, runnable }, options);
  // Registered before the bar, so on a signal the bar's line is finished first.
  const forgetNote = onInterrupt(() =>
    process.stderr.write(
      `vmid: interrupted; the finished points are kept: continue with ${resumeCommandLine(process.argv.slice(2))}\n`,
    ),
  );
  const bar = startProgressBar(
    "sweep [{bar}] {value}/{total} points | {duration_formatted} elapsed | ~{eta_formatted} left",
    points.length,
    options.quiet === true,
  );
  try {
    return await runSweep(config, {
      jobs: options.jobs,
      finished,
      onPointDone: (point, entry) => appendFinishedPoint(directory, point, entry),
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
    forgetNote();
  }
}

/** `vmid sweep CONFIG --out DIR`: runs a grid of simulations; results to DIR/sweep.{json,csv}. */
export async function sweepCommand(file: string, options: SweepCommandOptions): Promise<number> {
  for (const output of Object.values(sweepFiles(options.out)))
    refuseOutputOverInput(output, [file]);
  const config = parseSweepConfig(readInputFile(file), file);
  const output = await runSweepInto(config, options.out, {
    jobs: options.jobs ?? defaultJobs(),
    resume: options.resume,
    force: options.force,
    quiet: options.quiet,
  });
  writeSweepOutput(options.out, output);
  const files = sweepFiles(options.out);
  const summary = {
    points: output.points,
    run: output.points - output.skipped.length,
    skipped: output.skipped.map(({ point, reason }) => ({ point, reason })),
    rows: output.rows.length,
    elapsedMs: output.elapsedMs,
    json: files.json,
    csv: files.csv,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const lines = [
      `sweep: ${summary.run} of ${summary.points} points run (${output.rows.length} rows), seed ${config.seed}, ${(output.elapsedMs / 1000).toFixed(1)} s of simulation`,
      ...output.skipped.map(({ point, reason }) => `  point ${point} skipped: ${reason}`),
      `wrote ${files.json} and ${files.csv}`,
      `report: vmid report ${files.json} -o ${options.out}/report.html`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return ExitCode.ok;
}
