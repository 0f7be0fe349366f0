import { renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * Writes `text` to `path` through a temporary file in the same directory, renamed over it at
 * the end: a failed write leaves `path` as it was, never half-written. A file-system error
 * names `path`, not the temporary file.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const fileError = error as NodeJS.ErrnoException;
    if (typeof fileError?.code === "string") fileError.path = path;
    throw error;
  }
}
