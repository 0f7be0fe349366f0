/**
 * Errors of the environment while reading or writing, in words: the command and its input
 * were right, the system could not do the I/O. They exit with `ExitCode.io`. Errors that mean
 * the user named a path that cannot be used (no such file, permission denied, read-only file
 * system...) are bad input instead: naming another path fixes them.
 */
const IO_ERRORS = new Map([
  ["ENOSPC", "disk full"],
  ["EDQUOT", "disk quota exceeded"],
  ["EFBIG", "file too large"],
  ["EIO", "input/output error"],
  ["ENXIO", "no such device or address"],
  ["ESTALE", "stale file handle"],
]);

/** What an I/O error `code` means in words, or undefined when it is no environment error. */
export function ioErrorWords(code: unknown): string | undefined {
  return typeof code === "string" ? IO_ERRORS.get(code) : undefined;
}
