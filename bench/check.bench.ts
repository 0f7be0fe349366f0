/**
 * Model-checker performance against the TLC anchor measured on this machine (2 workers, the
 * kernel developers' TLA+ model, 2 CPUs, 4 VMIDs, 3 generations): 3 VMs exhaustive in 7-10 s
 * (135,546 states, 1.3 GB); 4 VMs with the authors' invariants unfinished after 47 minutes
 * (over 54 million states). Targets: the 3-VM configuration exhaustive in under 5 s, the
 * 4-VM one in under 2 minutes. One run each (a run is seconds to minutes; the state count is
 * exact, only the time varies). State counts differ from TLC's by design: no dead locals, VM
 * symmetry, lock-only accesses merged into the steps around them.
 *
 * Run: npm run bench  (or node dist/bench/check.bench.js after npm run build)
 */
import { CHECK_DEFAULTS } from "../src/check/CheckOptions.js";
import { explore } from "../src/check/explore.js";

const runs = [
  { title: "3 VMs, all invariants", options: { ...CHECK_DEFAULTS }, targetSeconds: 5 },
  {
    title: "4 VMs, SameVMIDActiveTask (the authors' cfg)",
    options: { ...CHECK_DEFAULTS, vms: 4, invariants: ["SameVMIDActiveTask" as const] },
    targetSeconds: 120,
  },
];
console.log("model checker (2 CPUs, bits 2, every generation)");
for (const { title, options, targetSeconds } of runs) {
  const result = explore(options);
  const { stats } = result;
  const seconds = stats.elapsedMs / 1000;
  const met =
    seconds < targetSeconds && (result.verdict === "holds" || result.verdict === "bounded");
  console.log(
    `  ${title}: ${result.verdict}, ${stats.states.toLocaleString("en-US")} states, depth ${stats.depth}, ` +
      `${seconds.toFixed(1)} s, ${Math.round(stats.statesPerSecond).toLocaleString("en-US")} states/s, ` +
      `peak ${Math.round(stats.peakMemoryMiB)} MiB; target < ${targetSeconds} s ${met ? "MET" : "MISSED"}`,
  );
}
