/**
 * Bad input from a user: an invalid configuration, a CPU or VM out of range, a malformed
 * trace. The CLI prints its message (with file and line where known) and exits 2.
 */
export class VmidInputError extends Error {
  override readonly name = "VmidInputError";
}
