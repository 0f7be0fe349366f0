import { appendFileSync, existsSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VmidInputError } from "../core/VmidInputError.js";
import { sweepCsv } from "../report/sweepCsv.js";
import type { FinishedPoint } from "../sim/sweep/runSweep.js";
import type { SweepOutput } from "../sim/sweep/SweepOutput.js";
import { errorNamingPath } from "./errorNamingPath.js";
import { type ResumedSweep, type ResumeTarget, readFinishedPoints } from "./readFinishedPoints.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/** The files a sweep keeps in its output directory. */
export function sweepFiles(directory: string) {
  return {
    /** One JSON line per finished point, after a header line with the configuration. */
    partial: join(directory, "sweep.partial.jsonl"),
    json: join(directory, "sweep.json"),
    csv: join(directory, "sweep.csv"),
  };
}

/**
 * Prepares `directory` for a sweep of `target.config` and returns the points already finished
 * there. A directory that already holds a sweep is an error unless `resume` (continue it: the
 * configuration must be the same, and what the directory holds must validate, see
 * readFinishedPoints) or `force` (start over). A partial file's last line cut short by an
 * interruption is cut off, so that its point runs again and the next line starts clean.
 */
export function prepareSweepDirectory(
  directory: string,
  target: ResumeTarget,
  mode: { readonly resume: boolean; readonly force: boolean },
): Map<number, FinishedPoint> {
  const files = sweepFiles(directory);
  const hasPartial = existsSync(files.partial);
  const started = hasPartial || existsSync(files.json);
  let resumed: ResumedSweep = { finished: new Map() };
  if (started && mode.force) {
    for (const file of Object.values(files)) rmSync(file, { force: true });
  } else if (started && !mode.resume) {
    throw new VmidInputError(
      `${directory} already holds a sweep: pass --resume to continue it, or --force to start over`,
    );
  } else if (started) {
    resumed = readFinishedPoints(files, directory, target, hasPartial);
  }
  if (resumed.keepBytes !== undefined && resumed.keepBytes > 0) {
    truncateSync(files.partial, resumed.keepBytes);
  } else {
    // No partial file, or an empty one (nothing done yet): start it with the header.
    const header = { format: "vmid-sweep-partial", config: target.config };
    writeFileSync(files.partial, `${JSON.stringify(header)}\n`);
  }
  return resumed.finished;
}

/** Appends a finished point to the partial file (one line, written in one call). */
export function appendFinishedPoint(directory: string, point: number, entry: FinishedPoint): void {
  const { partial } = sweepFiles(directory);
  try {
    appendFileSync(partial, `${JSON.stringify({ point, ...entry })}\n`);
  } catch (error) {
    throw errorNamingPath(error, partial); // a failed write (disk full) names no file
  }
}

/** Writes sweep.json and sweep.csv, then drops the partial file. */
export function writeSweepOutput(directory: string, output: SweepOutput): void {
  const files = sweepFiles(directory);
  writeFileAtomically(files.json, `${JSON.stringify(output, null, 2)}\n`);
  writeFileAtomically(files.csv, sweepCsv(output.rows));
  rmSync(files.partial, { force: true });
}
