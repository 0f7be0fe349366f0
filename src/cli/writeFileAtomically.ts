import { writeFileSync } from "node:fs";
import { openOutputTarget } from "./openOutputTarget.js";

/**
 * Writes `text` to the output file `path` as openOutputTarget says: a regular file (or a new
 * one, or the file a symbolic link leads to) through a temporary file in the same directory,
 * renamed over it at the end, so a failed or interrupted write leaves `path` as it was, never
 * half-written; a character device or a FIFO in place. A file-system error names `path`, not
 * the temporary file.
 */
export function writeFileAtomically(path: string, text: string): void {
  const target = openOutputTarget(path);
  try {
    writeFileSync(target.fd ?? target.writePath, text, { flag: target.flags });
    target.commit();
  } catch (error) {
    target.fail(error);
  }
}
