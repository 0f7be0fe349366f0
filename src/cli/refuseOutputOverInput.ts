import { statSync } from "node:fs";
import { VmidInputError } from "../core/VmidInputError.js";

/**
 * Refuses (VmidInputError, exit 2) an output file that is the same file as one of `inputs`,
 * before anything is read or written: `vmid report S.json -o S.json` would replace its own
 * input. Files are compared by device and inode, so a symbolic link, a hard link or another
 * spelling of the path is caught too. Only regular files count: a terminal can be both
 * stdin and stdout.
 */
export function refuseOutputOverInput(output: string, inputs: readonly string[]): void {
  const written = statSync(output, { throwIfNoEntry: false });
  if (written === undefined || !written.isFile()) return;
  for (const input of inputs) {
    const read = statSync(input, { throwIfNoEntry: false });
    if (read !== undefined && read.dev === written.dev && read.ino === written.ino) {
      throw new VmidInputError(
        `the output '${output}' is the input '${input}' (the same file): name another output`,
      );
    }
  }
}
