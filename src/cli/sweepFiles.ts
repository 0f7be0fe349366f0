import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VmidInputError } from "../core/VmidInputError.js";
import { sweepCsv } from "../report/sweepCsv.js";
import type { FinishedPoint } from "../sim/sweep/runSweep.js";
import type { SweepConfig, SweepOutput } from "../sim/sweep/SweepOutput.js";
import { errorNamingPath } from "./errorNamingPath.js";
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

/** JSON with object keys sorted, so two equal configurations compare equal as text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Prepares `directory` for a sweep of `config` and returns the points already finished there.
 * A directory that already holds a sweep is an error unless `resume` (continue it: the
 * configuration must be the same) or `force` (start over). Resuming reads the finished
 * points back from the partial file (a last line cut short by an interruption is ignored) or,
 * if the sweep had finished, from sweep.json.
 */
export function prepareSweepDirectory(
  directory: string,
  config: SweepConfig,
  mode: { readonly resume: boolean; readonly force: boolean },
): Map<number, FinishedPoint> {
  const files = sweepFiles(directory);
  const started = existsSync(files.partial) || existsSync(files.json);
  const finished = new Map<number, FinishedPoint>();
  if (started && mode.force) {
    for (const file of Object.values(files)) rmSync(file, { force: true });
  } else if (started && !mode.resume) {
    throw new VmidInputError(
      `${directory} already holds a sweep: pass --resume to continue it, or --force to start over`,
    );
  } else if (started) {
    const expected = canonicalJson(config);
    if (existsSync(files.partial)) {
      const lines = readFileSync(files.partial, "utf8").split("\n");
      const header = JSON.parse(lines[0]) as { config: unknown };
      if (canonicalJson(header.config) !== expected) throw differentConfig(directory);
      for (const line of lines.slice(1)) {
        if (line === "") continue;
        let entry: { point: number } & FinishedPoint;
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // a line the interruption cut short: that point runs again
        }
        finished.set(entry.point, { rows: entry.rows, elapsedMs: entry.elapsedMs });
      }
    } else {
      const output = JSON.parse(readFileSync(files.json, "utf8")) as SweepOutput;
      if (canonicalJson(output.config) !== expected) throw differentConfig(directory);
      for (const point of new Set(output.rows.map((row) => row.point))) {
        const rows = output.rows.filter((row) => row.point === point);
        finished.set(point, { rows, elapsedMs: rows[0].pointElapsedMs });
      }
    }
  }
  if (!existsSync(files.partial)) {
    writeFileSync(files.partial, `${JSON.stringify({ format: "vmid-sweep-partial", config })}\n`);
  }
  return finished;
}

function differentConfig(directory: string): VmidInputError {
  return new VmidInputError(
    `${directory} holds a sweep of a different configuration: use another directory, or --force to start over`,
  );
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
