import { formatNumber } from "../_internal/formatNumber.js";
import { CHECK_DEFAULTS, type CheckOptions, defaultInvariants } from "../check/CheckOptions.js";
import type { CheckResult } from "../check/CheckResult.js";
import { explore } from "../check/explore.js";
import { exploreParallel } from "../check/exploreParallel.js";
import type { InvariantName } from "../check/invariants.js";
import type { FlushPolicy } from "../core/FlushPolicy.js";
import type { AllocatorName } from "../core/IdSpace.js";
import type { MutantName } from "../core/Mutant.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { checkViewData, checkViewTitle } from "../view/checkViewData.js";
import { renderViewPage } from "../view/renderViewPage.js";
import { ExitCode } from "./ExitCode.js";
import { checkResultJson, formatCheckResult } from "./formatCheckResult.js";
import { showsProgress } from "./progressBar.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/** The model options commander hands `vmid check` and `vmid view` (addCheckModelOptions). */
export interface CheckModelCommandOptions {
  readonly cpus: number;
  readonly vms: number;
  readonly bits: number;
  /** Absent: every generation. */
  readonly generations?: number;
  readonly mutant?: MutantName;
  readonly speculation: boolean;
  readonly exitUnloads: boolean;
  /** Absent: the allocator's own (broadcast for vmid, deferred for asid). */
  readonly flush?: FlushPolicy;
  readonly puts: boolean;
  readonly allocator: AllocatorName;
  readonly kpti: boolean;
  /** ASID allocator: CnP's switch to the reserved TTBR0 before the update (`--no-cnp`: off). */
  readonly cnp: boolean;
  readonly pins?: boolean;
  readonly invariant?: InvariantName[];
  readonly maxStates?: number;
}

/** What commander hands `vmid check`. */
export interface CheckCommandOptions extends CheckModelCommandOptions {
  readonly maxStates: number;
  /** Threads: 1 (the default) explores in this thread, more on that many worker threads. */
  readonly jobs: number;
  readonly json: boolean;
  /** Also write an HTML page of the result (`vmid view`'s page, with the counterexample). */
  readonly html?: string;
  /** Show no running count of states. */
  readonly quiet?: boolean;
}

const EXIT_OF: Record<CheckResult["verdict"], number> = {
  holds: ExitCode.ok,
  violated: ExitCode.violation,
  bounded: ExitCode.inconclusive,
  inconclusive: ExitCode.inconclusive,
};

/** The model configuration of `vmid check`'s (or `vmid view`'s) options, defaults applied. */
export function checkOptionsOf(options: CheckModelCommandOptions): CheckOptions {
  const asid = options.allocator === "asid";
  if (!asid && !options.cnp) {
    throw new VmidInputError(
      "--no-cnp: CnP's reserved-TTBR0 switch is the ASID allocator's (add --allocator asid)",
    );
  }
  return {
    cpus: options.cpus,
    vms: options.vms,
    bits: options.bits,
    allocator: options.allocator,
    kpti: options.kpti,
    generations: options.generations,
    // The ASID allocator has no put, flushes each CPU in its slow path, and with CnP switches
    // to the reserved TTBR0 (the guest unloaded) before the update.
    puts: asid ? false : options.puts,
    speculation: options.speculation,
    exitUnloads: options.exitUnloads || (asid && options.cnp),
    flush: options.flush ?? (asid ? "deferred" : "broadcast"),
    mutant: options.mutant,
    pins: options.pins === true,
    invariants: options.invariant ?? defaultInvariants(options.pins === true),
    maxStates: options.maxStates ?? CHECK_DEFAULTS.maxStates,
  };
}

/**
 * `vmid check`: explores every interleaving of a small configuration, in this thread
 * (explore) or, with more than one job, on that many worker threads (exploreParallel).
 */
export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const check = checkOptionsOf(options);
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
  if (options.html !== undefined) {
    const data = checkViewData(check, result);
    writeFileAtomically(options.html, renderViewPage(data, checkViewTitle(data), data.command));
  }
  process.stdout.write(
    options.json
      ? `${JSON.stringify(checkResultJson(result), null, 2)}\n`
      : formatCheckResult(result),
  );
  if (options.html !== undefined && !options.json) process.stdout.write(`html: ${options.html}\n`);
  return EXIT_OF[result.verdict];
}
