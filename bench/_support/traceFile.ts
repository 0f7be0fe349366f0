import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import {
  generateTrace,
  type TraceGenOptions,
  traceGenCommand,
} from "../../src/trace/generateTrace.js";

/** Where benchmarks keep their traces and results (git-ignored). */
export const BENCH_OUT = "bench-out";

/**
 * Writes `bench-out/NAME.trace` (a generated trace) once and reuses it while its first line,
 * the command that generates it, is unchanged. Returns its path.
 */
export function traceFile(name: string, options: TraceGenOptions): string {
  const path = `${BENCH_OUT}/${name}.trace`;
  const firstLine = `# ${traceGenCommand(options)}`;
  if (existsSync(path) && readFileSync(path, "latin1").startsWith(`${firstLine}\n`)) return path;
  mkdirSync(BENCH_OUT, { recursive: true });
  writeFileSync(path, "");
  const fd = openSync(path, "w");
  for (const chunk of generateTrace(options)) writeSync(fd, chunk);
  return path;
}
