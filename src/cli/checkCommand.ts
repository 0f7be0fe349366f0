import { formatNumber } from "../_internal/formatNumber.js";
import { CHECK_DEFAULTS, type CheckOptions } from "../check/CheckOptions.js";
import type { CheckResult } from "../check/CheckResult.js";
import { explore } from "../check/explore.js";
import { exploreParallel } from "../check/exploreParallel.js";
import type { InvariantName } from "../check/invariants.js";
import type { FlushPolicy } from "../core/FlushPolicy.js";
import type { MutantName } from "../core/Mutant.js";
import { ExitCode } from "./ExitCode.js";
import { checkResultJson, formatCheckResult } from "./formatCheckResult.js";
import { showsProgress } from "./progressBar.js";

/** What commander hands `vmid check`. */
export interface CheckCommandOptions {
  readonly cpus: number;
  readonly vms: number;
  readonly bits: number;
  /** Absent: every generation. */
  readonly generations?: number;
  readonly mutant?: MutantName;
  readonly speculation: boolean;
  readonly exitUnloads: boolean;
  readonly flush: FlushPolicy;
  readonly puts: boolean;
  readonly invariant?: InvariantName[];
  readonly maxStates: number;
  /** Threads: 1 (the default) explores in this thread, more on that many worker threads. */
  readonly jobs: number;
  readonly json: boolean;
  /** Show no running count of states. */
  readonly quiet?: boolean;
}

const EXIT_OF: Record<CheckResult["verdict"], number> = {
  holds: ExitCode.ok,
  violated: ExitCode.violation,
  bounded: ExitCode.inconclusive,
  inconclusive: ExitCode.inconclusive,
};

/**
 * `vmid check`: explores every interleaving of a small configuration, in this thread
 * (explore) or, with more than one job, on that many worker threads (exploreParallel).
 */
export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const check: CheckOptions = {
    cpus: options.cpus,
    vms: options.vms,
    bits: options.bits,
    generations: options.generations,
    puts: options.puts,
    speculation: options.speculation,
    exitUnloads: options.exitUnloads,
    flush: options.flush,
    mutant: options.mutant,
    invariants: options.invariant ?? CHECK_DEFAULTS.invariants,
    maxStates: options.maxStates,
  };
  const progress = showsProgress(process.stderr, process.env, options.quiet === true)
    ? (states: number, depth: number) => {
        process.stderr.write(`\rcheck: ${formatNumber(states)} states, depth ${depth}   `);
      }
    : undefined;
  const { jobs } = options;
  const result =
    jobs === 1
      ? explore(check, { onProgress: progress })
      : await exploreParallel(check, jobs, { onProgress: progress });
  if (progress !== undefined) process.stderr.write("\r\x1b[K");
  process.stdout.write(
    options.json
      ? `${JSON.stringify(checkResultJson(result), null, 2)}\n`
      : formatCheckResult(result),
  );
  return EXIT_OF[result.verdict];
}
