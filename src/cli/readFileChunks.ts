import { open } from "node:fs/promises";

/**
 * A file's bytes in chunks of up to `size` bytes, all read into one buffer: a chunk is valid
 * only until the next one is asked for (a streaming parser that copies what it keeps, such
 * as TraceParser, reads a file this way without fresh memory for every chunk).
 */
export async function* readFileChunks(path: string, size = 1 << 20): AsyncGenerator<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
