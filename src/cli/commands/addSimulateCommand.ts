import { type Command, Option } from "commander";
import { describeRange } from "../../sim/NumberRange.js";
import { type NumericSimParameter, SIM_PARAMETERS } from "../../sim/SIM_PARAMETERS.js";
import { SIM_DEFAULTS } from "../../sim/validateSimOptions.js";
import { parsePolicy, parseSimNumber } from "../simOptionParsers.js";
import { explicitOptions } from "./explicitOptions.js";
import type { SetExit } from "./SetExit.js";
import { withAllocatorOptions } from "./withAllocatorOptions.js";

/** A numeric option as SIM_PARAMETERS declares it: flag, meaning, range, parser, default. */
function numberOption(name: NumericSimParameter): Option {
  const { flag, placeholder, meaning, range } = SIM_PARAMETERS[name];
  const described = `${meaning}; ${describeRange(range)}`;
  if (name === "seed") {
    // No default value: a random seed, drawn when the command runs and printed.
    return new Option(
      `${flag} <${placeholder}>`,
      `${described} (default: random, printed)`,
    ).argParser(parseSimNumber(name));
  }
  return new Option(`${flag} <${placeholder}>`, described)
    .argParser(parseSimNumber(name))
    .default(SIM_DEFAULTS[name]);
}

/** Defines `vmid simulate`; the simulator loads only when it runs. */
export function addSimulateCommand(program: Command, setExit: SetExit): void {
  const sim = SIM_DEFAULTS;
  const { popularity, put, nested, policies } = SIM_PARAMETERS;
  const command = program
    .command("simulate")
    .summary("simulate one host under every policy")
    .description(
      "Simulate one host (CPUs, VMs with vCPUs, a time-slice scheduler, churn, puts, " +
        "nested virtualisation) driving the real allocator, every policy over the " +
        "same workload, and print each policy's metrics side by side.",
    )
    .addOption(numberOption("seed"))
    .addOption(numberOption("cpus"))
    .addOption(numberOption("bits"))
    .addOption(numberOption("vms"))
    .addOption(numberOption("vcpusPerVm"))
    .addOption(numberOption("slices"))
    .addOption(numberOption("sliceUs"))
    .addOption(numberOption("churn"))
    .addOption(
      new Option(`${popularity.flag} <${popularity.placeholder}>`, popularity.meaning)
        .choices(popularity.choices)
        .default(sim.popularity),
    )
    .addOption(numberOption("zipfSkew"))
    .option(put.flag, put.meaning)
    .option(nested.flag, nested.meaning, false)
    .addOption(numberOption("pinned"))
    .addOption(
      new Option(
        `${policies.flag} <${policies.placeholder}>`,
        `${policies.meaning}; default: all of ${policies.choices.join(", ")}`,
      ).argParser(parsePolicy),
    )
    .addOption(numberOption("sampleEvery"))
    .option("--json", "print the whole result as JSON", false)
    .option("--quiet", "show no progress bar on stderr", false);
  withAllocatorOptions(command).action(async (options, self: Command) => {
    const { simulateCommand } = await import("../simulateCommand.js");
    setExit(simulateCommand(options, explicitOptions(self)));
  });
}
