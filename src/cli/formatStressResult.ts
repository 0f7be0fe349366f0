import { type Decimals, formatNumber } from "../_internal/formatNumber.js";
import type { StressResult } from "../runtime/StressResult.js";

const integer: Decimals = { upTo: 0 };

function microseconds(ns: number): string {
  return `${formatNumber(ns / 1000, { fixed: ns < 10_000 ? 2 : 1 })} us`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

/** The human-readable report of a stress run. */
export function formatStressResult(result: StressResult): string {
  const { options, stats } = result;
  const c = stats.counters;
  const lines: string[] = [];
  const schedule =
    options.trace !== undefined
      ? `trace ${options.trace}`
      : `${options.vms} VMs x ${options.vcpusPerVm} vCPUs, put probability ${options.putProbability}${(options.pinProbability ?? 0) > 0 ? `, pin probability ${options.pinProbability}` : ""}, seed ${options.seed}`;
  const mutant = options.mutant === undefined ? "" : `, mutant ${options.mutant}`;
  const allocator =
    options.allocator === "asid"
      ? `, ASID allocator${options.kpti === true ? " with KPTI pairs" : ""} (deferred flush)`
      : "";
  lines.push(
    `vmid stress: ${options.cpus} CPUs on ${options.threads} threads, bits ${options.bits}${allocator}, ${schedule}, strategy ${options.strategy}${mutant}`,
  );
  if (result.kind === "ok") {
    lines.push(
      `result: ok, no violation in ${formatNumber(stats.runs, integer)} updates (${formatNumber(stats.events, integer)} events)`,
    );
  } else if (result.kind === "violation") {
    const v = result.violation;
    lines.push(`result: VIOLATION ${v.description}`);
    const other = v.otherCpu >= 0 ? ` and cpu ${v.otherCpu}` : "";
    const otherVm = v.otherVm !== 0 ? `, other VM ${v.otherVm}` : "";
    lines.push(
      `  found on cpu ${v.cpu}${other} after about ${formatNumber(v.afterUpdates, integer)} updates: VM ${v.vm}${otherVm}, idx ${v.idx}`,
    );
    for (const [cpu, events] of Object.entries(v.recentEvents)) {
      lines.push(`  last events of cpu ${cpu} (oldest first):`);
      for (const event of events) {
        const what =
          event.kind === "run"
            ? `run vm ${event.vm} -> id ${event.id}`
            : event.kind === "flush"
              ? `rolled over: flush, generation ${event.id}`
              : "put";
        lines.push(`    #${event.sequence} ${what}`);
      }
    }
  } else {
    const f = result.fault;
    lines.push(`result: FAULT (${f.reason}) ${f.message}`);
    for (const worker of f.workers) {
      lines.push(
        `  worker ${worker.thread} (cpus ${worker.cpus.join(",")}) was in '${worker.activity}' for cpu ${worker.cpu}${worker.vm > 0 ? `, vm ${worker.vm}` : ""}`,
      );
    }
  }
  lines.push(`  elapsed            ${formatNumber(stats.elapsedMs, integer)} ms`);
  lines.push(`  updates/s          ${formatNumber(stats.updatesPerSecond, integer)}`);
  lines.push(
    `  fast path          ${formatNumber(c.fastPathHits, integer)} (${percent(c.fastPathHits, stats.runs)})`,
  );
  lines.push(`  slow path          ${formatNumber(c.slowPathEntries, integer)}`);
  lines.push(`  rollovers          ${formatNumber(c.rollovers, integer)}`);
  if (c.pins + c.pinFailures > 0) {
    lines.push(
      `  pins               ${formatNumber(c.pins, integer)} taken, ${formatNumber(c.pinFailures, integer)} refused (maxPinned), ${formatNumber(c.unpins, integer)} dropped; ${formatNumber(c.pinnedKeeps, integer)} renewals kept a pinned idx`,
    );
  }
  const hold = stats.lockHold;
  lines.push(
    hold.samples === 0
      ? "  lock hold          no samples"
      : `  lock hold          p50 ${microseconds(hold.p50Ns)}, p99 ${microseconds(hold.p99Ns)} (${hold.samples} sampled slow paths)`,
  );
  for (const thread of stats.threads) {
    lines.push(
      `  thread ${thread.thread} (${thread.cpus.length <= 8 ? `cpus ${thread.cpus.join(",")}` : `${thread.cpus.length} CPUs`}): ` +
        `${formatNumber(thread.runs, integer)} updates, ${formatNumber(thread.counters.fastPathHits, integer)} fast, ${formatNumber(thread.counters.slowPathEntries, integer)} slow`,
    );
  }
  const note =
    options.trace !== undefined ? "" : " (same schedules; the interleaving depends on timing)";
  lines.push(`replay: ${result.replay}${note}`);
  return `${lines.join("\n")}\n`;
}
