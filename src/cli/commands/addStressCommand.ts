import { type Command, Option } from "commander";
import { MUTANT_NAMES, MUTANTS } from "../../core/Mutant.js";
import { STRATEGY_NAMES } from "../../core/strategies/ReservedLookup.js";
import { STRESS_DEFAULTS } from "../../runtime/StressOptions.js";
import { helpSections } from "../helpText.js";
import { parseCount, parseMutant, parseReal, parseStrategy } from "../optionParsers.js";
import { explicitOptions } from "./explicitOptions.js";
import type { SetExit } from "./SetExit.js";
import { withAllocatorOptions } from "./withAllocatorOptions.js";

/** Defines `vmid stress`; its implementation (worker threads) loads only when it runs. */
export function addStressCommand(program: Command, setExit: SetExit): void {
  const d = STRESS_DEFAULTS;
  const command = program
    .command("stress")
    .summary("run the allocator concurrently on worker threads")
    .description(
      "Run the allocator concurrently: C logical CPUs on T worker threads share one allocator " +
        "in a SharedArrayBuffer (Atomics), each CPU following a seeded schedule of run/put " +
        "events, while a guest-side TLB model checks the invariants at every guest entry and " +
        "TLB fill.",
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
    .option(
      "--pin-probability <P>",
      "chance, 0..1, that an event pins a VM or unpins one this CPU pinned (pinned ids)",
      parseReal,
      0,
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
    .option("--quiet", "show no progress bar on stderr", false)
    .addOption(
      new Option("--inject-fault <kind>", "for tests: worker 0 crashes or hangs")
        .choices(["crash", "hang"])
        .hideHelp(),
    )
    .addHelpText(
      "after",
      helpSections([
        {
          title: "Checks (see the README's runtime section for the windows each observes):",
          items: [
            [
              "(a)",
              "UniqueVMIDPerCPU: no CPU's TLB holds two VMs' entries under one idx between flushes",
            ],
            ["(b)", "no two VMs enter guests with the same 64-bit id"],
            [
              "(c)",
              "no guest is entered with idx 0, or with an id neither current nor reserved for its CPU",
            ],
            [
              "(d)",
              "SameVMIDActiveTask: CPUs in one VM's guests use one idx (generated schedules only)",
            ],
          ],
        },
        { title: "Mutants:", items: MUTANT_NAMES.map((name) => [name, MUTANTS[name]]) },
        {
          text: "Exit codes: 0 no violation, 1 violation, 2 bad input, 3 fault (crash or no progress).",
        },
      ]),
    );
  withAllocatorOptions(command).action(async (options, self: Command) => {
    const { stressCommand } = await import("../stressCommand.js");
    setExit(await stressCommand(options, explicitOptions(self)));
  });
}
