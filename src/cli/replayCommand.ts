import { readFileChunks } from "../_internal/readFileChunks.js";
import { type AllocatorName, checkIdSpaceOptions } from "../core/IdSpace.js";
import type { StrategyName } from "../core/strategies/ReservedLookup.js";
import { replayTrace } from "../trace/replayTrace.js";
import { ExitCode } from "./ExitCode.js";
import { formatReplaySummary, replaySummaryJson } from "./formatReplaySummary.js";
import { OutputBuffer } from "./OutputBuffer.js";
import { jsonReplaySink, textReplaySink } from "./replaySinks.js";

/** Options of `vmid replay`. */
export interface ReplayCommandOptions {
  readonly strategy: StrategyName;
  readonly summary: boolean;
  readonly json: boolean;
  readonly allocator: AllocatorName;
  readonly kpti: boolean;
  /** Write an HTML page of the replay (the allocator's state after each event) instead. */
  readonly html?: string;
}

/** `vmid replay FILE`: replays a trace, printing each run's id and each rollover's flush. */
export async function replayCommand(file: string, options: ReplayCommandOptions): Promise<number> {
  const space = { allocator: options.allocator, kpti: options.kpti };
  checkIdSpaceOptions(space); // before reading anything
  const source = file === "-" ? process.stdin : readFileChunks(file);
  if (options.html !== undefined) {
    const { replayHtml } = await import("./replayHtml.js");
    return replayHtml(file, source, options.html, { ...options, space });
  }
  const out = new OutputBuffer(process.stdout);
  const sink = options.json ? jsonReplaySink(out) : textReplaySink(out);
  try {
    const summary = await replayTrace(
      source,
      {
        file: file === "-" ? "<stdin>" : file,
        strategy: options.strategy,
        space,
      },
      sink,
    );
    if (options.json) out.write(`${JSON.stringify(replaySummaryJson(summary))}\n`);
    if (options.summary) {
      out.flush();
      process.stderr.write(formatReplaySummary(summary));
    }
    return ExitCode.ok;
  } catch (error) {
    // A read error (EIO) carries no path: name the file the user gave.
    const fileError = error as NodeJS.ErrnoException;
    if (typeof fileError?.code === "string" && fileError.path === undefined) fileError.path = file;
    throw error;
  } finally {
    // Events before a bad line are printed before its error: the output is a stream.
    out.flush();
  }
}
