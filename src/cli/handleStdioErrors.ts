import { ExitCode } from "./ExitCode.js";
import { ioErrorWords } from "./ioErrorWords.js";

/**
 * Makes a failed write to stdout or stderr end the CLI the way every command documents:
 * EPIPE (a reader such as `head` closed the pipe) is no error, exit 0 at once; any other error
 * (`> /dev/full`: disk full) prints one line on stderr, `vmid: cannot write to stdout: disk
 * full (ENOSPC)`, and exits `ExitCode.io`, never 0 or 1 (a violation). When stderr itself
 * fails, the exit code is all that is left to say it.
 */
export function handleStdioErrors(): void {
  for (const [name, stream] of [
    ["stdout", process.stdout],
    ["stderr", process.stderr],
  ] as const) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(ExitCode.ok);
      if (name === "stdout") {
        const words = ioErrorWords(error.code) ?? error.message;
        process.stderr.write(`vmid: cannot write to stdout: ${words} (${error.code})\n`);
      }
      process.exit(ExitCode.io);
    });
  }
}
