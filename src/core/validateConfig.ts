import { type IdSpace, type IdSpaceOptions, idSpace, usableIdCount } from "./IdSpace.js";
import { VmidInputError } from "./VmidInputError.js";

/** Smallest and largest VMID width accepted, in bits. */
export const MIN_BITS = 1;
export const MAX_BITS = 24;
/** Smallest and largest CPU count accepted. */
export const MIN_CPUS = 1;
export const MAX_CPUS = 4096;

/**
 * Checks an allocator configuration and returns its id space; throws VmidInputError with an
 * explanation. `bits`: 1..24 (1..16 for the ASID allocator); `cpus`: 1..4096; and more usable
 * ids than CPUs (`2^bits - 1 > cpus`, under KPTI `2^(bits-1) - 1 > cpus`), the condition the
 * kernel only WARNs about: a rollover reserves one id per CPU, so with no more usable ids
 * than CPUs the search after it can find nothing free.
 */
export function validateConfig(bits: number, cpus: number, options: IdSpaceOptions = {}): IdSpace {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new VmidInputError(
      `bits must be an integer from ${MIN_BITS} to ${MAX_BITS} (got ${bits})`,
    );
  }
  if (!Number.isInteger(cpus) || cpus < MIN_CPUS || cpus > MAX_CPUS) {
    throw new VmidInputError(
      `cpus must be an integer from ${MIN_CPUS} to ${MAX_CPUS} (got ${cpus})`,
    );
  }
  const space = idSpace(bits, options);
  const usable = usableIdCount(space);
  if (usable <= cpus) {
    const rule = space.kpti ? "2^(bits-1) - 1 > cpus under KPTI" : "2^bits - 1 > cpus";
    throw new VmidInputError(
      `bits ${bits} gives ${usable} usable VMID${usable === 1 ? "" : "s"}${space.kpti ? " (KPTI pairs)" : ""} for ${cpus} ` +
        `CPU${cpus === 1 ? "" : "s"}: after a rollover an ` +
        `allocation could find no free VMID: need more VMIDs than CPUs (${rule})`,
    );
  }
  return space;
}

/** Throws VmidInputError unless `bits` is an integer in 1..24. */
export function validateBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
    throw new VmidInputError(
      `bits must be an integer from ${MIN_BITS} to ${MAX_BITS} (got ${bits})`,
    );
  }
}

/** Throws VmidInputError unless `cpus` is an integer in 1..4096. */
export function validateCpus(cpus: number): void {
  if (!Number.isInteger(cpus) || cpus < MIN_CPUS || cpus > MAX_CPUS) {
    throw new VmidInputError(
      `cpus must be an integer from ${MIN_CPUS} to ${MAX_CPUS} (got ${cpus})`,
    );
  }
}

/** Throws VmidInputError unless `cpu` is an integer in 0..cpus-1. Runs on every update. */
export function validateCpu(cpu: number, cpus: number): void {
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= cpus) throwCpuOutOfRange(cpu, cpus);
}

/** Throws VmidInputError unless `vm` is a positive safe integer. Runs on every update. */
export function validateVm(vm: number): void {
  if (!Number.isSafeInteger(vm) || vm < 1) throwBadVm(vm);
}

// The throws live out of line so that the checks above stay small enough to inline.
function throwCpuOutOfRange(cpu: number, cpus: number): never {
  throw new VmidInputError(`cpu ${cpu} is out of range 0..${cpus - 1}`);
}

function throwBadVm(vm: number): never {
  throw new VmidInputError(`VM id ${vm} is not a positive safe integer`);
}
