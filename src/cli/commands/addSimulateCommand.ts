import { type Command, Option } from "commander";
import { SIM_DEFAULTS } from "../../sim/validateSimOptions.js";
import { POLICY_NAMES, parseCount, parsePolicy, parseReal } from "../optionParsers.js";
import type { SetExit } from "./SetExit.js";

/** Defines `vmid simulate`; the simulator loads only when it runs. */
export function addSimulateCommand(program: Command, setExit: SetExit): void {
  const sim = SIM_DEFAULTS;
  program
    .command("simulate")
    .summary("simulate one host under every policy")
    .description(
      "Simulate one host (CPUs, VMs with vCPUs, a time-slice scheduler, churn, puts, " +
        "nested virtualisation) driving the real allocator, every policy over the " +
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
    .option(
      "--pinned <P>",
      "pinned ids: the first P VMs keep their VMID pinned, 0..min(V, 2^B - N - 2)",
      parseCount,
      sim.pinned,
    )
    .addOption(
      new Option(
        "--policy <strategy/flush>",
        `a policy to compare (repeatable; default: all of ${POLICY_NAMES.join(", ")})`,
      ).argParser(parsePolicy),
    )
    .option("--sample-every <K>", "time one slow path in K (0: none)", parseCount, sim.sampleEvery)
    .option("--json", "print the whole result as JSON", false)
    .option("--quiet", "show no progress bar on stderr", false)
    .action(async (options) => {
      const { simulateCommand } = await import("../simulateCommand.js");
      setExit(simulateCommand({ ...options, policy: options.policy ?? [...sim.policies] }));
    });
}
