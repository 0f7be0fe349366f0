import { formatFirstIssue, parseJsonText } from "../_internal/parseJsonText.js";
import { readInputFile } from "../_internal/readInputFile.js";
import { VmidInputError } from "../core/VmidInputError.js";
import type { SweepOutput } from "../sim/sweep/SweepOutput.js";
import { sweepOutputSchema } from "./sweepOutputSchema.js";

/**
 * Reads and validates a `sweep.json` written by `vmid sweep`. Throws `VmidInputError` naming
 * the file and what is wrong: a JSON syntax error with its line and column, or the first
 * field the schema rejects as a path (`rows[3].cpus`), or a directory given as the file.
 * File-system errors (no such file) are thrown as they are, with the path, for the CLI to word.
 */
export function readSweepOutput(path: string): SweepOutput {
  return parseSweepOutput(readInputFile(path), path);
}

/** Validates a sweep's JSON text; `name` is the file named in errors. */
export function parseSweepOutput(text: string, name: string): SweepOutput {
  const json = parseJsonText(text, name);
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const { format, version } = json as { format?: unknown; version?: unknown };
    if (format !== "vmid-sweep") {
      throw new VmidInputError(
        `${name}: not a vmid sweep: format is ${JSON.stringify(format) ?? "missing"}, expected "vmid-sweep"`,
      );
    }
    if (version !== 1) {
      throw new VmidInputError(
        `${name}: sweep format version ${JSON.stringify(version) ?? "missing"} is not supported (this vmid reads version 1)`,
      );
    }
  }
  const parsed = sweepOutputSchema.safeParse(json);
  if (!parsed.success) {
    throw new VmidInputError(`${name}: ${formatFirstIssue(parsed.error.issues)}`);
  }
  return parsed.data;
}
