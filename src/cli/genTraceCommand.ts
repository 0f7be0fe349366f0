import { randomInt } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  generateTrace,
  type TraceGenOptions,
  validateTraceGenOptions,
} from "../trace/generateTrace.js";
import { ExitCode } from "./ExitCode.js";
import { OutputBuffer } from "./OutputBuffer.js";
import { openOutputTarget } from "./openOutputTarget.js";

/** Options of `vmid gen-trace`; a missing seed is drawn at random and written in the trace. */
export interface GenTraceCommandOptions extends Omit<TraceGenOptions, "seed"> {
  readonly seed?: number;
  readonly output?: string;
}

/**
 * `vmid gen-trace`: writes a seeded random trace to stdout, or to `--output FILE` as
 * openOutputTarget says (a regular file through a temporary file renamed at the end, so a
 * failed or interrupted run leaves no half-written trace; a device or a FIFO in place).
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
  const target = openOutputTarget(options.output);
  try {
    // Written asynchronously, so a signal is handled while a large trace is being written.
    await pipeline(
      Readable.from(generateTrace(resolved)),
      createWriteStream(target.writePath, {
        flags: target.flags,
        fd: target.fd,
        autoClose: target.fd === undefined,
      }),
    );
    target.commit();
  } catch (error) {
    target.fail(error);
  }
  return ExitCode.ok;
}
