/** Exit codes shared by every command. */
export const ExitCode = {
  /** Done; for checking commands: every invariant held over the full run. */
  ok: 0,
  /** A checking command found a violation or counterexample. */
  violation: 1,
  /** Bad input: options, configuration, trace; nothing was half-written. */
  badInput: 2,
  /** A fault: a worker crashed, a watchdog fired, or an internal error. */
  fault: 3,
  /** A checking command hit a bound before finishing: no verdict. */
  inconclusive: 4,
  /**
   * An input/output error of the environment, not of the input: a disk full, a quota
   * exceeded, a device failing, stdout or stderr that cannot be written (a closed pipe is not
   * one: the command stops quietly with 0). The previous output file is left as it was.
   */
  io: 5,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Terminated by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;
