/**
 * Fast-path cost of `update` on the plain backend, ns per update (mitata medians), beside a
 * bare load + compare + store on a Float64Array measured in the same run for scale.
 *
 * Run: npm run bench  (or node dist/bench/fastPath.bench.js after npm run build)
 */
import { do_not_optimize, measure } from "mitata";
import { createAllocator } from "../src/core/createAllocator.js";

const allocator = createAllocator({ bits: 16, cpus: 4, strategy: "scan" });
// Two VMs made current on CPU 0: alternating between them, every update finds a non-zero
// active id and a current-generation VM id, so each one is a fast-path compare-exchange.
allocator.updateRaw(0, 1);
allocator.updateRaw(0, 2);
const before = allocator.counters.slowPathEntries;

let flip = 0;
const fastPath = await measure(() => {
  flip ^= 1;
  do_not_optimize(allocator.updateRaw(0, 1 + flip));
});
if (allocator.counters.slowPathEntries !== before) throw new Error("benchmark left the fast path");

const slots = new Float64Array(8);
slots[0] = 5;
const bare = await measure(() => {
  flip ^= 1;
  const old = slots[0];
  const next = 5 + flip;
  if (old !== 0 && slots[0] === old) slots[0] = next;
  do_not_optimize(slots[0]);
});

console.log("fast path on the plain backend (median ns per update)");
console.log(
  `  update() fast path, validated    ${fastPath.p50.toFixed(1)} ns  (${fastPath.samples.length} samples)`,
);
console.log(`  bare load + compare + store      ${bare.p50.toFixed(1)} ns`);
