/**
 * The pure-Node floor that `bench/replayProcess.bench.ts` compares `vmid replay` with: a
 * process that reads the trace the way replay does (1 MiB chunks) and writes the bytes that
 * replay prints (read from a file), with no parsing and no allocator. Whatever replay takes
 * beyond this is its own work, not Node's start-up or I/O.
 *
 * Usage: node dist/bench/_support/copyTraceAndOutput.js TRACE OUTPUT  (OUTPUT to stdout)
 */
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";

const [trace, output] = process.argv.slice(2);
let bytes = 0;
for await (const chunk of createReadStream(trace, { highWaterMark: 1 << 20 }))
  bytes += (chunk as Buffer).length;
if (bytes === 0) throw new Error(`empty trace ${trace}`);
await pipeline(createReadStream(output, { highWaterMark: 1 << 20 }), process.stdout);
