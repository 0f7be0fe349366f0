/**
 * Fast-path cost on the SharedArrayBuffer backend, ns per update (mitata medians), against a
 * bare `Atomics.load` + `Atomics.compareExchange` on a slot of the same shared buffer,
 * measured in the same round. Target: the fast path at most 2x the bare pair.
 *
 * "Fast path" is the algorithm's `updateVmid` as the runtime's workers call it; the seed's
 * fast path has no argument checks, so the validated `update()` of the public API is shown
 * as a separate line. The seed's fast path makes four atomic accesses (VM id, active,
 * generation, compare-exchange) where the bare loop makes two, so about 2x is the floor; a
 * line shows four bare accesses for scale. This host's speed changes between phases, so each
 * round measures everything back to back and the ratio reported is the median of the rounds'.
 *
 * Run: npm run bench  (or node dist/bench/sharedFastPath.bench.js after npm run build)
 */
import { do_not_optimize, measure } from "mitata";
import { createAllocatorContext, createAllocatorOver } from "../src/core/createAllocator.js";
import { updateVmid } from "../src/core/updateVmid.js";
import { createSharedMemory } from "../src/mem/sharedMemory.js";

const memory = createSharedMemory(16, 4, 8);
const context = createAllocatorContext(memory, { strategy: "scan" });
const allocator = createAllocatorOver(memory, { strategy: "scan" });
// Two current VMs alternating on CPU 0: every update is a fast-path compare-exchange.
updateVmid(context, 0, 1);
updateVmid(context, 0, 2);

// The bare loops work on the same buffer: CPU 1's active slot and VM 1/2's id slots.
const slots = new BigInt64Array(memory.buffer, 0, memory.layout.int32Base / 8);
const activeSlot = memory.layout.activeBase + memory.layout.activeStride;
const vmSlot = memory.layout.vmIdBase;
Atomics.store(slots, activeSlot, 5n);

let flip = 0;
const ROUNDS = 5;
const rows = {
  fastPath: [] as number[],
  validated: [] as number[],
  bare: [] as number[],
  fourBare: [] as number[],
};
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const fastPath = await measure(() => {
    flip ^= 1;
    do_not_optimize(updateVmid(context, 0, 1 + flip));
  });
  const bare = await measure(() => {
    flip ^= 1;
    const old = Atomics.load(slots, activeSlot);
    do_not_optimize(Atomics.compareExchange(slots, activeSlot, old, flip === 0 ? 5n : 6n));
  });
  const validated = await measure(() => {
    flip ^= 1;
    do_not_optimize(allocator.updateRaw(0, 1 + flip));
  });
  const fourBare = await measure(() => {
    flip ^= 1;
    const vmid = Atomics.load(slots, vmSlot + flip);
    const old = Atomics.load(slots, activeSlot);
    const generation = Atomics.load(slots, 0);
    do_not_optimize(
      old !== 0n && vmid >= generation && Atomics.compareExchange(slots, activeSlot, old, vmid),
    );
  });
  rows.fastPath.push(fastPath.p50);
  rows.bare.push(bare.p50);
  rows.validated.push(validated.p50);
  rows.fourBare.push(fourBare.p50);
  ratios.push(fastPath.p50 / bare.p50);
}
if (context.counters.slowPathEntries !== 2 || allocator.counters.slowPathEntries !== 0) {
  throw new Error("benchmark left the fast path");
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = median(ratios);
console.log(`fast path on the shared backend (median ns per update over ${ROUNDS} rounds)`);
console.log(`  updateVmid fast path (the runtime's call)  ${median(rows.fastPath).toFixed(1)} ns`);
console.log(`  update() fast path, arguments validated    ${median(rows.validated).toFixed(1)} ns`);
console.log(`  bare Atomics.load + compareExchange        ${median(rows.bare).toFixed(1)} ns`);
console.log(`  four bare accesses (the seed's count)      ${median(rows.fourBare).toFixed(1)} ns`);
console.log(`  per-round ratios fast path / bare: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
console.log(
  `target fast path <= 2x bare: median ratio ${ratio.toFixed(2)}x ${ratio <= 2 ? "MET" : "MISSED"}`,
);
