import { SingleBar } from "cli-progress";
import { onInterrupt } from "./onInterrupt.js";

/** Where progress would go: a stream that may be a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
}

/**
 * Whether a command shows progress on `stream`: only on a terminal that can redraw a line (a
 * `TERM` other than `dumb`), and never with `--quiet`. Piped or redirected output, a dumb
 * terminal (Emacs' shell, some CI logs) and `--quiet` get no progress at all.
 */
export function showsProgress(
  stream: ProgressStream,
  env: NodeJS.ProcessEnv,
  quiet: boolean,
): boolean {
  return !quiet && stream.isTTY === true && env.TERM !== "dumb";
}

/** A running progress bar: the work done so far, then stop (which leaves the final bar). */
export interface ProgressBar {
  update(done: number): void;
  stop(): void;
}

/**
 * Starts a progress bar on stderr with cli-progress's `format` (e.g. `{bar} {value}/{total}`)
 * for `total` units of work, or returns undefined when showsProgress says no. The bar hides
 * the cursor; stopping it (at the end, or on SIGINT/SIGTERM through onInterrupt) draws it a
 * last time, ends its line and shows the cursor again.
 */
export function startProgressBar(
  format: string,
  total: number,
  quiet: boolean,
): ProgressBar | undefined {
  if (!showsProgress(process.stderr, process.env, quiet)) return undefined;
  const bar = new SingleBar({ format, stream: process.stderr, hideCursor: true });
  // Registered before the bar first shows, so no signal can come between the two.
  const forget = onInterrupt(() => bar.stop());
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => {
      forget();
      bar.stop();
    },
  };
}
