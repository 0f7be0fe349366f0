import { closeSync, readFileSync } from "node:fs";
import { openInputFile } from "./openInputFile.js";

/** A whole input file as UTF-8 text; a directory is refused by name (see openInputFile). */
export function readInputFile(path: string): string {
  const fd = openInputFile(path);
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
