import fc from "fast-check";

/**
 * The layout shapes `vmid check` accepts: 1-4 CPUs, 1-8 VMs and `minBits`-`maxBits`-bit ids
 * (1-4 by default), with V x 2^bits <= 31 (one TLB bit per VM and idx).
 */
export function layoutShape({ minBits = 1, maxBits = 4 } = {}) {
  return fc
    .record({
      cpus: fc.integer({ min: 1, max: 4 }),
      vms: fc.integer({ min: 1, max: 8 }),
      bits: fc.integer({ min: minBits, max: maxBits }),
    })
    .filter(({ vms, bits }) => vms * 2 ** bits <= 31);
}
