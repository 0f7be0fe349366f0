import { type Command, Option } from "commander";
import { STRATEGY_NAMES } from "../../core/strategies/ReservedLookup.js";
import { helpSections } from "../helpText.js";
import { parseStrategy } from "../optionParsers.js";
import type { SetExit } from "./SetExit.js";
import { withAllocatorOptions } from "./withAllocatorOptions.js";

/** Defines `vmid replay FILE`; its implementation loads only when it runs. */
export function addReplayCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("replay")
    .summary("replay a trace through a fresh allocator")
    .description(
      "Replay a trace through a fresh allocator. Prints 'CPU VM VMID' for every run " +
        "(VMID = the full 64-bit id, generation | idx, in lowercase hex) and 'flush GEN' " +
        "just before the run that caused a rollover (GEN = the new generation in hex).",
    )
    .argument("<file>", "trace file, or - for standard input")
    .addOption(
      new Option("--strategy <name>", "reserved-lookup strategy (all give identical ids)")
        .choices(STRATEGY_NAMES)
        .default("scan")
        .argParser(parseStrategy),
    )
    .option("--summary", "print the allocator's counters to stderr at the end", false);
  withAllocatorOptions(command)
    .option("--json", "print JSON Lines (run and flush events, then a summary object)", false)
    .option(
      "--html <file>",
      "write an HTML page stepping through the allocator's state instead (at most " +
        "1000 events, 16 CPUs, 8 bits)",
    )
    .addHelpText(
      "after",
      helpSections([
        {
          title: "Trace format v1 (one item per line):",
          items: [
            ["# comment", "to end of line; blank lines ignored"],
            ["bits B", "VMID width, 1..24; once, before any event"],
            ["cpus N", "CPU count, 1..4096 and 2^B - 1 > N; once, before any event"],
            ["run CPU VM", "VM's vCPU is loaded on CPU (kvm_arm_vmid_update); VM >= 1"],
            [
              "put CPU",
              "the vCPU on CPU is put (kvm_arm_vmid_clear_active); not with --allocator asid",
            ],
          ],
        },
        {
          lines: [
            "Example: printf 'bits 2\\ncpus 2\\nrun 0 1\\nrun 1 2\\n' | vmid replay -",
            "prints '0 1 5' and '1 2 6'. Errors name the file and line and exit 2.",
          ],
        },
      ]),
    )
    .action(async (file: string, options) => {
      const { replayCommand } = await import("../replayCommand.js");
      setExit(await replayCommand(file, options));
    });
}
