import { closeSync, readSync } from "node:fs";
import { openInputFile } from "./openInputFile.js";

/**
 * A file's bytes in chunks of up to `size` bytes, all read into one buffer: a chunk is valid
 * only until the next one is asked for (a streaming parser that copies what it keeps, such
 * as TraceParser, reads a file this way without fresh memory for every chunk). Reads are
 * synchronous: a command with nothing else to do gains nothing from the thread pool that
 * asynchronous reads would start. A directory is refused by name (see openInputFile).
 */
export async function* readFileChunks(path: string, size = 1 << 20): AsyncGenerator<Buffer> {
  const fd = openInputFile(path);
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}
