import { closeSync, readFileSync } from "node:fs";
import { z } from "zod";
import { openInputFile } from "../_internal/openInputFile.js";
import { formatFirstIssue, parseJsonText } from "../_internal/parseJsonText.js";
import { readInputFile } from "../_internal/readInputFile.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { parseSweepOutput } from "../report/readSweepOutput.js";
import { sweepRowSchema } from "../report/sweepOutputSchema.js";
import type { FinishedPoint } from "../sim/sweep/runSweep.js";
import type { SweepConfig, SweepRow } from "../sim/sweep/SweepOutput.js";
import { sweepConfigSchema } from "../sim/sweep/sweepConfigSchema.js";

/** The first line of a sweep's partial file: the configuration the directory holds. */
const partialHeaderSchema = z.strictObject({
  format: z.literal("vmid-sweep-partial"),
  config: sweepConfigSchema,
});

/** Every later line of a partial file: one finished point, its rows as in sweep.json. */
const partialPointSchema = z.strictObject({
  point: z.number().int().nonnegative(),
  rows: z.array(sweepRowSchema),
  elapsedMs: z.number().nonnegative(),
});

/** What a sweep directory holds of the sweep `--resume` continues. */
export interface ResumedSweep {
  /** The points already run, by index. */
  readonly finished: Map<number, FinishedPoint>;
  /**
   * For a partial file, the bytes of it to keep: up to the end of its last complete line
   * (0 for an empty file); undefined when the points came from sweep.json.
   */
  readonly keepBytes?: number;
}

/** The sweep being resumed: its configuration and the points its grid runs. */
export interface ResumeTarget {
  readonly config: SweepConfig;
  readonly runnable: ReadonlySet<number>;
}

/** JSON with object keys sorted, so two equal configurations compare equal as text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The error for a directory that holds another configuration's sweep. */
function differentConfig(directory: string): VmidInputError {
  return new VmidInputError(
    `${directory} holds a sweep of a different configuration: use another directory, or --force to start over`,
  );
}

/** Runs `read`, turning the input error it throws (a damaged file) into `damaged(message)`. */
function asDamage<T>(damaged: (problem: string) => VmidInputError, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof VmidInputError ? damaged(error.message) : error;
  }
}

/** The error for a damaged file: where and what, then what the user can do. */
function cannotResume(directory: string, problem: string): VmidInputError {
  return new VmidInputError(
    `${problem} (cannot resume ${directory}: run again with --force to start over, or with --out a new directory)`,
  );
}

/**
 * Parses and validates one JSON line of `file` against `schema`, or throws `file:line: ...`
 * (`file:line:column` for a JSON syntax error).
 */
function parseLine<T>(schema: z.ZodType<T>, text: string, file: string, line: number): T {
  const parsed = schema.safeParse(parseJsonText(text, file, line));
  if (!parsed.success) {
    throw new VmidInputError(`${file}:${line}: ${formatFirstIssue(parsed.error.issues)}`);
  }
  return parsed.data;
}

/**
 * Why `rows` cannot be point `point` of `target`'s sweep, or undefined if they can: the point
 * must be one the grid runs, not seen before, with one row per policy in the configuration's
 * order, each naming the point.
 */
function pointProblem(
  point: number,
  rows: readonly SweepRow[],
  target: ResumeTarget,
  finished: ReadonlyMap<number, FinishedPoint>,
): string | undefined {
  if (!target.runnable.has(point)) return `point ${point} is not a point this sweep runs`;
  if (finished.has(point)) return `point ${point} appears twice`;
  const { policies } = target.config;
  const expected = policies.map((p) => `${point} ${p.strategy}/${p.flush}`).join(", ");
  const got = rows.map((row) => `${row.point} ${row.strategy}/${row.flush}`).join(", ");
  if (got !== expected) {
    return `point ${point} has rows [${got}], expected one per policy: [${expected}]`;
  }
  return undefined;
}

/**
 * Reads the points a partial file records as finished, validating every line with the
 * schemas `vmid report` uses (the configuration's, the rows'). An empty file, or one with
 * only its header, records no point.
 *
 * Only complete lines count. The sweep appends each point as one line ending in a newline,
 * in one write; a crash or a full disk can cut that write short, and the file then ends in
 * a line without its newline. Such a last line is not an error: its point did not finish
 * and runs again, and `keepBytes` ends before it, so that the caller cuts it off before
 * appending (a new line glued to it would corrupt both). Any other damage (a header cut
 * short, a complete line that is not valid JSON, lacks a field or has a row the schema
 * rejects, a point not in the grid) is an error naming the file and line: it is not what an
 * interrupted sweep leaves, and a silently dropped row would make the results lie.
 */
function readPartialFile(file: string, directory: string, target: ResumeTarget): ResumedSweep {
  const damaged = (problem: string) => cannotResume(directory, problem);
  const fd = openInputFile(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const keepBytes = bytes.lastIndexOf(0x0a) + 1;
  const finished = new Map<number, FinishedPoint>();
  if (bytes.length === 0) return { finished, keepBytes };
  if (keepBytes === 0) {
    throw damaged(`${file}:1: the header line is cut short`);
  }
  const lines = bytes
    .subarray(0, keepBytes - 1)
    .toString("utf8")
    .split("\n");
  const header = asDamage(damaged, () => parseLine(partialHeaderSchema, lines[0], file, 1));
  if (canonicalJson(header.config) !== canonicalJson(target.config)) {
    throw differentConfig(directory);
  }
  lines.slice(1).forEach((text, index) => {
    const line = index + 2;
    const entry = asDamage(damaged, () => parseLine(partialPointSchema, text, file, line));
    const problem = pointProblem(entry.point, entry.rows, target, finished);
    if (problem !== undefined) throw damaged(`${file}:${line}: ${problem}`);
    finished.set(entry.point, { rows: entry.rows, elapsedMs: entry.elapsedMs });
  });
  return { finished, keepBytes };
}

/** Reads the points of a finished sweep's sweep.json, validated as `vmid report` reads it. */
function readSweepJson(file: string, directory: string, target: ResumeTarget): ResumedSweep {
  const damaged = (problem: string) => cannotResume(directory, problem);
  const text = readInputFile(file);
  const output = asDamage(damaged, () => parseSweepOutput(text, file));
  if (canonicalJson(output.config) !== canonicalJson(target.config)) {
    throw differentConfig(directory);
  }
  const byPoint = new Map<number, SweepRow[]>();
  for (const row of output.rows) {
    const rows = byPoint.get(row.point);
    if (rows === undefined) byPoint.set(row.point, [row]);
    else rows.push(row);
  }
  const finished = new Map<number, FinishedPoint>();
  for (const [point, rows] of byPoint) {
    const problem = pointProblem(point, rows, target, finished);
    if (problem !== undefined) throw damaged(`${file}: ${problem}`);
    finished.set(point, { rows, elapsedMs: rows[0].pointElapsedMs });
  }
  return { finished };
}

/**
 * The points a sweep directory holds as finished, for `--resume`: from the partial file if
 * there is one (the sweep was interrupted), else from sweep.json (it had finished). Throws
 * VmidInputError when the directory holds another configuration's sweep, or when a file is
 * damaged: naming the file, the line or field, and what the user can do instead.
 */
export function readFinishedPoints(
  files: { readonly partial: string; readonly json: string },
  directory: string,
  target: ResumeTarget,
  hasPartial: boolean,
): ResumedSweep {
  return hasPartial
    ? readPartialFile(files.partial, directory, target)
    : readSweepJson(files.json, directory, target);
}
