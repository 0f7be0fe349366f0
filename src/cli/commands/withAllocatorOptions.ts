import { type Command, Option } from "commander";
import { ALLOCATOR_NAMES } from "../../core/IdSpace.js";

/**
 * Adds `--allocator vmid|asid` and `--kpti`, which select the allocator the command runs
 * (docs/allocator.md#asid-allocator): the VMID allocator by default; `asid` for the arm64
 * ASID allocator (deferred per-CPU flush, no put, generation unit 2^16), with KPTI pairs
 * when `--kpti` is given too (KPTI is a boot-time decision, so it holds for the whole run).
 */
export function withAllocatorOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--allocator <name>",
        "vmid (KVM's VMID allocator) or asid (its parent, the arm64 ASID allocator)",
      )
        .choices(ALLOCATOR_NAMES)
        .default("vmid"),
    )
    .option(
      "--kpti",
      "with --allocator asid: KPTI booted on, so ids come in pairs (only even idx are " +
        "handed out, the user ASID is idx | 1) and half the ids are usable",
      false,
    );
}
