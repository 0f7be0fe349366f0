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
} as const;
