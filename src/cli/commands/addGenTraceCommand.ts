import type { Command } from "commander";
import { parseCount, parseReal } from "../optionParsers.js";
import { explicitOptions } from "./explicitOptions.js";
import type { SetExit } from "./SetExit.js";
import { withAllocatorOptions } from "./withAllocatorOptions.js";

/** Defines `vmid gen-trace`; its implementation loads only when it runs. */
export function addGenTraceCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("gen-trace")
    .summary("write a seeded random trace")
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
      "--pin-probability <P>",
      "chance, 0..1, that an event is a pin or unpin (format v1 additions)",
      parseReal,
      0,
    )
    .option(
      "--seed <SEED>",
      "PRNG seed 0..4294967295 (default: random, written in the trace)",
      parseCount,
    )
    .option(
      "-o, --output <FILE>",
      "write to FILE instead of stdout (atomically; a device or FIFO in place)",
    );
  withAllocatorOptions(command).action(async (options, self: Command) => {
    const { genTraceCommand } = await import("../genTraceCommand.js");
    // The ASID allocator has no put: no puts unless asked for (which its check refuses).
    const noPuts = options.allocator === "asid" && !explicitOptions(self).has("putProbability");
    setExit(await genTraceCommand(noPuts ? { ...options, putProbability: 0 } : options));
  });
}
