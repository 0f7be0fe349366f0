import { ExitCode } from "./ExitCode.js";

/** Work to undo when SIGINT or SIGTERM stops the CLI, most recent first. */
const cleanups: (() => void)[] = [];
let installed = false;

const EXIT_OF_SIGNAL = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;

function interrupted(signal: keyof typeof EXIT_OF_SIGNAL): void {
  // Most recent first: a progress line is finished before a note is printed under it.
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // One cleanup failing (a file already gone) must not keep the others from running.
    }
  }
  process.exit(EXIT_OF_SIGNAL[signal]);
}

/**
 * The one registry of what to undo when SIGINT (Ctrl-C) or SIGTERM stops the CLI: the
 * temporary file of an atomic write in progress, a progress bar that hid the cursor, a note on
 * how to resume. Registers `cleanup` and returns the function that unregisters it (call it
 * once the work is done or undone). On a signal every registered cleanup runs, most recent
 * first, then the process exits 130 (SIGINT) or 143 (SIGTERM).
 *
 * The signal handlers are installed at the first registration and stay: until then a signal
 * stops the process at once, as by default (nothing to undo), and afterwards a signal that
 * arrives between two registrations still exits.
 */
export function onInterrupt(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("SIGINT", () => interrupted("SIGINT"));
    process.on("SIGTERM", () => interrupted("SIGTERM"));
  }
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.indexOf(cleanup);
    if (at !== -1) cleanups.splice(at, 1);
  };
}
