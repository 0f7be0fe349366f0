import { randomInt } from "node:crypto";
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import {
  generateTrace,
  type TraceGenOptions,
  validateTraceGenOptions,
} from "../trace/generateTrace.js";
import { ExitCode } from "./ExitCode.js";
import { OutputBuffer } from "./OutputBuffer.js";

/** Options of `vmid gen-trace`; a missing seed is drawn at random and written in the trace. */
export interface GenTraceCommandOptions extends Omit<TraceGenOptions, "seed"> {
  readonly seed?: number;
  readonly output?: string;
}

/**
 * `vmid gen-trace`: writes a seeded random trace to stdout, or to `--output FILE` through a
 * temporary file renamed at the end, so a failed run leaves no half-written trace.
 */
export async function genTraceCommand(options: GenTraceCommandOptions): Promise<number> {
  const resolved: TraceGenOptions = { ...options, seed: options.seed ?? randomInt(0, 2 ** 32 - 1) };
  validateTraceGenOptions(resolved);
  if (options.output === undefined) {
    const out = new OutputBuffer(process.stdout);
    for (const chunk of generateTrace(resolved)) {
      out.write(chunk);
      const waiting = out.drained();
      if (waiting !== undefined) await waiting;
    }
    out.flush();
    return ExitCode.ok;
  }
  const temporary = `${options.output}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, "w");
    try {
      for (const chunk of generateTrace(resolved)) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, options.output);
  } catch (error) {
    rmSync(temporary, { force: true });
    // Name the file the user asked for, not our temporary one.
    const fileError = error as NodeJS.ErrnoException;
    if (typeof fileError?.code === "string") fileError.path = options.output;
    throw error;
  }
  return ExitCode.ok;
}
