import { closeSync, fstatSync, openSync } from "node:fs";
import { VmidInputError } from "../core/VmidInputError.js";

/**
 * Opens a file the user named as input, for reading, and returns its descriptor. A directory
 * is refused here, by name (`cannot read DIR: is a directory`): opening one succeeds and
 * only the first read fails, with an EISDIR error that carries no path. Other errors (no such
 * file, permission denied) are thrown as `openSync` throws them, with the path.
 */
export function openInputFile(path: string): number {
  const fd = openSync(path, "r");
  let isDirectory: boolean;
  try {
    isDirectory = fstatSync(fd).isDirectory();
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (isDirectory) {
    closeSync(fd);
    throw new VmidInputError(`cannot read ${path}: is a directory`);
  }
  return fd;
}
