import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { CHECK_DEFAULTS } from "../check/CheckOptions.js";
import { INVARIANT_NAMES, INVARIANTS } from "../check/invariants.js";
import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { MUTANT_NAMES, MUTANTS } from "../core/Mutant.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { STRESS_DEFAULTS } from "../runtime/StressOptions.js";
import { SIM_DEFAULTS } from "../sim/validateSimOptions.js";
import { checkCommand } from "./checkCommand.js";
import { ExitCode } from "./ExitCode.js";
import { genTraceCommand } from "./genTraceCommand.js";
import {
  POLICY_NAMES,
  parseCount,
  parseMutant,
  parsePolicy,
  parseReal,
  parseStrategy,
} from "./optionParsers.js";
import { replayCommand } from "./replayCommand.js";
import { reportCommand } from "./reportCommand.js";
import { simulateCommand } from "./simulateCommand.js";
import { stressCommand } from "./stressCommand.js";
import { studyCommand } from "./studyCommand.js";
import { defaultJobs, sweepCommand } from "./sweepCommand.js";

/** Errors from the file system that mean the user named a file we cannot use, in words. */
const FILE_ERRORS = new Map([
  ["ENOENT", "no such file or directory"],
  ["EISDIR", "is a directory"],
  ["EACCES", "permission denied"],
  ["ENOTDIR", "a path component is not a directory"],
  ["EPERM", "operation not permitted"],
  ["EEXIST", "already exists"],
  ["EROFS", "read-only file system"],
]);

function packageVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("vmid")
    .description(
      "The arm64 KVM VMID allocator (Linux's arch/arm64/kvm/vmid.c), bit-exact:\n" +
        "replay and generate traces, run it concurrently on worker threads, model-check\n" +
        "it, simulate hosts and sweep them, and report. Start with 'vmid study'.",
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      // One style for every error: "vmid: message".
      outputError: (text, write) => write(`vmid: ${text.replace(/^error: /, "")}`),
    })
    .showHelpAfterError("(run 'vmid help <command>' for usage)")
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 violation found, 2 bad input, 3 fault, 4 inconclusive.\n" +
        "Trace format: see 'vmid help replay'.",
    );

  program
    .command("replay")
    .description(
      "Replay a trace through a fresh allocator. Prints 'CPU VM VMID' for every run\n" +
        "(VMID = the full 64-bit id, generation | idx, in lowercase hex) and 'flush GEN'\n" +
        "just before the run that caused a rollover (GEN = the new generation in hex).",
    )
    .argument("<file>", "trace file, or - for standard input")
    .addOption(
      new Option("--strategy <name>", "reserved-lookup strategy (all give identical ids)")
        .choices(STRATEGY_NAMES)
        .default("scan")
        .argParser(parseStrategy),
    )
    .option("--summary", "print the allocator's counters to stderr at the end", false)
    .option("--json", "print JSON Lines (run and flush events, then a summary object)", false)
    .addHelpText(
      "after",
      "\nTrace format v1 (one item per line):\n" +
        "  # comment to end of line; blank lines ignored\n" +
        "  bits B       VMID width, 1..24; once, before any event\n" +
        "  cpus N       CPU count, 1..4096 and 2^B - 1 > N; once, before any event\n" +
        "  run CPU VM   VM's vCPU is loaded on CPU (kvm_arm_vmid_update); VM >= 1\n" +
        "  put CPU      the vCPU on CPU is put (kvm_arm_vmid_clear_active)\n" +
        "\nExample: printf 'bits 2\\ncpus 2\\nrun 0 1\\nrun 1 2\\n' | vmid replay -\n" +
        "prints '0 1 5' and '1 2 6'. Errors name the file and line and exit 2.",
    )
    .action(async (file: string, options) => {
      setExit(await replayCommand(file, options));
    });

  program
    .command("gen-trace")
    .description("Write a seeded random trace (format v1) to stdout or a file.")
    .option("--bits <B>", "VMID width, 1..24", parseCount, 16)
    .option("--cpus <N>", "CPUs, 1..4096, with 2^B - 1 > N", parseCount, 4)
    .option("--vms <V>", "VMs, numbered 1..V (at most 10,000,000)", parseCount, 1000)
    .option("--events <E>", "events after the header", parseCount, 10000)
    .option(
      "--put-probability <P>",
      "chance, 0..1, that an event puts a loaded vCPU",
      parseReal,
      0.1,
    )
    .option(
      "--zipf <S>",
      "VM popularity skew, 0..10: VM k has weight 1/k^S (0 = uniform)",
      parseReal,
      0,
    )
    .option(
      "--seed <SEED>",
      "PRNG seed 0..4294967295 (default: random, written in the trace)",
      parseCount,
    )
    .option("-o, --output <FILE>", "write to FILE (atomically) instead of stdout")
    .action(async (options) => {
      setExit(await genTraceCommand(options));
    });

  const d = STRESS_DEFAULTS;
  program
    .command("stress")
    .description(
      "Run the allocator concurrently: C logical CPUs on T worker threads share one allocator in a\n" +
        "SharedArrayBuffer (Atomics), each CPU following a seeded schedule of run/put events,\n" +
        "while a guest-side TLB model checks the invariants at every guest entry and TLB fill.",
    )
    .option("--bits <B>", "VMID width, 1..24", parseCount, d.bits)
    .option("--cpus <N>", "logical CPUs, 1..4096, with 2^B - 1 > N", parseCount, d.cpus)
    .option(
      "--threads <T>",
      "worker threads, 1..min(N, 64); CPU c runs on thread c mod T",
      parseCount,
      d.threads,
    )
    .option("--vms <V>", "VMs 1..V (at most 1,000,000)", parseCount, d.vms)
    .option(
      "--vcpus <K>",
      "vCPUs per VM: a VM runs on at most K CPUs at once",
      parseCount,
      d.vcpusPerVm,
    )
    .option("--events <E>", "run and put events over all CPUs", parseCount, d.events)
    .option(
      "--put-probability <P>",
      "chance, 0..1, that an event puts the vCPU in a guest",
      parseReal,
      d.putProbability,
    )
    .option("--seed <SEED>", "schedule seed 0..4294967295 (default: random, printed)", parseCount)
    .addOption(
      new Option("--strategy <name>", "reserved-lookup strategy")
        .choices(STRATEGY_NAMES)
        .default(d.strategy)
        .argParser(parseStrategy),
    )
    .addOption(
      new Option("--mutant <name>", "run a deliberate bug from the allocator's history")
        .choices(MUTANT_NAMES)
        .argParser(parseMutant),
    )
    .option("--trace <FILE>", "replay a trace's events per CPU instead of generated schedules")
    .option(
      "--watchdog <MS>",
      "declare a fault after this long without progress",
      parseCount,
      d.watchdogMs,
    )
    .option(
      "--no-tlb-model",
      "run without the per-CPU TLB model and check (a), for large CPU counts",
    )
    .option("--json", "print the result as JSON", false)
    .addOption(
      new Option("--inject-fault <kind>", "for tests: worker 0 crashes or hangs")
        .choices(["crash", "hang"])
        .hideHelp(),
    )
    .addHelpText(
      "after",
      "\nChecks (see the README's runtime section for the windows each observes):\n" +
        "  (a) UniqueVMIDPerCPU: no CPU's TLB holds two VMs' entries under one idx between flushes\n" +
        "  (b) no two VMs enter guests with the same 64-bit id\n" +
        "  (c) no guest is entered with idx 0, or with an id neither current nor reserved for its CPU\n" +
        "  (d) SameVMIDActiveTask: CPUs in one VM's guests use one idx (generated schedules only)\n" +
        `\nMutants:\n${MUTANT_NAMES.map((name) => `  ${name}: ${MUTANTS[name]}`).join("\n")}\n` +
        "\nExit codes: 0 no violation, 1 violation, 2 bad input, 3 fault (crash or no progress).",
    )
    .action(async (options, command: Command) => {
      const explicit = new Set(
        Object.keys(options).filter((name) => command.getOptionValueSource(name) === "cli"),
      );
      setExit(await stressCommand(options, explicit));
    });

  const k = CHECK_DEFAULTS;
  program
    .command("check")
    .description(
      "Explore every interleaving of a small configuration (breadth-first, so the first\n" +
        "counterexample is a shortest one) at the seed's atomic granularity, with a hardware\n" +
        "model of each CPU's loaded guest and TLB, and check the named invariants.",
    )
    .option("--cpus <N>", "CPUs, 1..4", parseCount, k.cpus)
    .option("--vms <V>", "VMs, 1..8 (symmetric), with V x 2^B <= 31", parseCount, k.vms)
    .option("--bits <B>", "VMID width, 1..4, with 2^B - 1 > N", parseCount, k.bits)
    .option(
      "--generations <G>",
      "generations explored; 3 = two full rollovers",
      parseCount,
      k.generations,
    )
    .addOption(
      new Option("--mutant <name>", "check a deliberate bug instead")
        .choices(MUTANT_NAMES)
        .argParser(parseMutant),
    )
    .addOption(
      new Option(
        "--flush <policy>",
        "how rollovers flush TLBs: broadcast (the seed) or deferred (each CPU flushes itself)",
      )
        .choices(FLUSH_POLICIES)
        .default(k.flush),
    )
    .option("--speculation", "a CPU may fill its TLB for its loaded guest at any step", false)
    .option("--no-puts", "schedulers never put a vCPU (the seed, before clearActive)")
    .option(
      "--exit-unloads",
      "a CPU leaving its guest for an update can no longer fill TLB entries for it",
      false,
    )
    .addOption(
      new Option(
        "--invariant <name>",
        "check only this invariant (repeatable; default: all but LoadedVMIDPerTask)",
      )
        .choices(INVARIANT_NAMES)
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .option(
      "--max-states <S>",
      "stop, inconclusive, after this many states",
      parseCount,
      k.maxStates,
    )
    .option("--json", "print the result as JSON", false)
    .addHelpText(
      "after",
      `\nInvariants:\n${INVARIANT_NAMES.map((name) => `  ${name}: ${INVARIANTS[name]}`).join("\n")}\n` +
        "\nExit codes: 0 every invariant holds over the full exploration, 1 counterexample,\n" +
        "2 bad input, 3 fault, 4 bounded or inconclusive (a bound was hit: no verdict).",
    )
    .action((options) => {
      setExit(checkCommand(options));
    });

  const sim = SIM_DEFAULTS;
  program
    .command("simulate")
    .description(
      "Simulate one host (CPUs, VMs with vCPUs, a time-slice scheduler, churn, puts,\n" +
        "nested virtualisation) driving the real allocator, every policy over the\n" +
        "same workload, and print each policy's metrics side by side.",
    )
    .option("--seed <S>", "PRNG seed, 0..4294967295", parseCount)
    .option("--cpus <N>", "host CPUs, 1..4096, with 2^B - 1 > N", parseCount, sim.cpus)
    .option("--bits <B>", "VMID width, 2..24 (arm64: 8 or 16)", parseCount, sim.bits)
    .option("--vms <V>", "VMs alive at once", parseCount, sim.vms)
    .option("--vcpus <K>", "vCPUs per VM, 1..64", parseCount, sim.vcpusPerVm)
    .option(
      "--slices <S>",
      "scheduler time slices to simulate, over all CPUs",
      parseCount,
      sim.slices,
    )
    .option("--slice-us <U>", "mean time slice, microseconds", parseReal, sim.sliceUs)
    .option(
      "--churn <C>",
      "VMs replaced (destroyed and created) per 1000 slices",
      parseReal,
      sim.churn,
    )
    .addOption(
      new Option("--popularity <kind>", "how VMs are picked to run")
        .choices(["uniform", "zipf"])
        .default(sim.popularity),
    )
    .option("--zipf-skew <S>", "Zipf exponent with --popularity zipf", parseReal, sim.zipfSkew)
    .option("--no-put", "descheduled vCPUs are not put (the seed, before clearActive)")
    .option(
      "--nested",
      "nested virtualisation: up to 2 x vCPUs shadow stage-2 contexts per VM",
      false,
    )
    .addOption(
      new Option(
        "--policy <strategy/flush>",
        `a policy to compare (repeatable; default: all of ${POLICY_NAMES.join(", ")})`,
      ).argParser(parsePolicy),
    )
    .option("--sample-every <K>", "time one slow path in K (0: none)", parseCount, sim.sampleEvery)
    .option("--json", "print the whole result as JSON", false)
    .action((options) => {
      setExit(simulateCommand({ ...options, policy: options.policy ?? [...sim.policies] }));
    });

  const sweep = program
    .command("sweep")
    .description(
      "Run a grid of simulations from a JSON configuration (validated; see the\n" +
        "README) on worker threads, with a progress bar. Results go to DIR/sweep.json\n" +
        "and DIR/sweep.csv; an interrupted sweep continues with --resume without\n" +
        "redoing finished points.",
    )
    .argument("<config>", "sweep configuration file (JSON)")
    .requiredOption("-o, --out <dir>", "output directory")
    .option("--json", "print the summary as JSON", false);
  withSweepRunOptions(sweep).action(async (config: string, options) => {
    setExit(await sweepCommand(config, options));
  });

  program
    .command("report")
    .description(
      "Render a sweep's results (sweep.json) as one self-contained HTML file: lock\n" +
        "cost vs CPUs per strategy, rollovers vs VMs, broadcast vs deferred flushes,\n" +
        "counted's skip rate, and every row. Works from file://, fetches nothing.",
    )
    .argument("<sweep>", "the sweep.json that vmid sweep wrote")
    .requiredOption("-o, --output <file>", "the HTML file to write")
    .option("--title <text>", "the page's title")
    .action((input: string, options: { output: string; title?: string }) => {
      setExit(reportCommand({ input, ...options }));
    });

  const study = program
    .command("study")
    .description(
      "The study of the review's questions: run the built-in sweep (8-4096 CPUs,\n" +
        "8- and 16-bit VMIDs, 100-100,000 VMs, every policy; under a minute on\n" +
        "2 cores), write DIR/sweep.json, sweep.csv and report.html, and print the\n" +
        "headline findings.",
    )
    .option("-o, --out <dir>", "output directory", "vmid-study")
    .option("--json", "print the findings and the files written as JSON", false);
  withSweepRunOptions(study).action(async (options) => {
    setExit(await studyCommand(options));
  });

  return program;
}

/** The options of a command that runs a sweep into a directory: jobs, resume, force. */
function withSweepRunOptions(command: Command): Command {
  return command
    .option(
      "--jobs <J>",
      `worker threads, 1..64 (default: ${defaultJobs()}, one per core)`,
      parseCount,
    )
    .option("--resume", "continue the sweep already in the output directory", false)
    .option("--force", "discard a sweep already in the output directory and start over", false);
}

function describe(error: unknown): { message: string; code: number } {
  if (error instanceof VmidInputError) return { message: error.message, code: ExitCode.badInput };
  const fileError = error as NodeJS.ErrnoException;
  const words = typeof fileError?.code === "string" ? FILE_ERRORS.get(fileError.code) : undefined;
  if (words !== undefined) {
    const path = fileError.path ?? "";
    return {
      message: `cannot use '${path}': ${words} (${fileError.code})`,
      code: ExitCode.badInput,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  const stack = process.env.VMID_DEBUG
    ? `\n${(error as Error)?.stack ?? ""}`
    : " (set VMID_DEBUG=1 for the stack)";
  return { message: `internal error: ${text}${stack}`, code: ExitCode.fault };
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed help, the version or its own error message already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    const { message, code } = describe(error);
    process.stderr.write(`vmid: ${message}\n`);
    return code;
  }
}
