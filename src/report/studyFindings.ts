import { formatNumber } from "../_internal/formatNumber.js";
import type { SweepOutput, SweepRow } from "../sim/sweep/SweepOutput.js";
import { selectRows } from "./selectRows.js";

/** One headline answer of the study, with the numbers and parameters behind it. */
export interface Finding {
  readonly id: "loop-cost" | "counted-skip" | "rollovers" | "flushes";
  /** The answer in one sentence. */
  readonly headline: string;
  /** The measurements it rests on, and the parameters they were taken at. */
  readonly evidence: string;
}

const n = formatNumber;

/** The parameters of a row that identify its point, in words. */
function pointText(row: SweepRow): string {
  return `${row.cpus} CPUs, ${row.bits}-bit VMIDs, ${n(row.vms)} VMs x ${row.vcpusPerVm} vCPUs, churn ${row.churn}/1000 slices, ${row.put ? "put" : "no put"}${row.nested ? ", nested" : ""}, ${n(row.updates)} updates, seed ${row.seed}`;
}

/** The row of `strategy` (and `flush`, default broadcast) at `cpus` among `rows`. */
function rowOf(rows: readonly SweepRow[], strategy: string, cpus: number): SweepRow | undefined {
  return rows.find((row) => row.strategy === strategy && row.cpus === cpus);
}

/**
 * The study's headline answers, computed from a sweep (empty for a finding whose rows the
 * sweep lacks). Rows are chosen as the report's charts choose them (`selectRows`), so each
 * finding can be read off its chart:
 * - loop-cost: lock work per slow path of `scan`, `counted`, `indexed` at the fewest and most
 *   CPUs (broadcast rows), with the measured mean slow path;
 * - counted-skip: how often `counted` skipped its loop, over every counted row;
 * - rollovers: where 8- and 16-bit VMIDs start rolling over as VMs grow, and how often;
 * - flushes: the most CPU TLB flushes the deferred policy saved over broadcast, and where
 *   the two flushed the same CPUs.
 */
export function studyFindings(output: SweepOutput): Finding[] {
  const findings: Finding[] = [];
  const lock = selectRows(output, ["cpus", "strategy"], { flush: "broadcast" }).rows;
  const cpus = [...new Set(lock.map((row) => row.cpus))].sort((a, b) => a - b);
  const fewest = cpus[0];
  const most = cpus[cpus.length - 1];
  const scanMost = rowOf(lock, "scan", most);
  const indexedMost = rowOf(lock, "indexed", most);
  const countedMost = rowOf(lock, "counted", most);
  const scanFewest = rowOf(lock, "scan", fewest);
  const indexedFewest = rowOf(lock, "indexed", fewest);
  if (scanMost && indexedMost && scanFewest && indexedFewest && most !== fewest) {
    const ratio = scanMost.lockOpsPerSlowPath / indexedMost.lockOpsPerSlowPath;
    findings.push({
      id: "loop-cost",
      headline:
        `The reserved loop dominates the lock on big hosts: at ${most} CPUs the seed's scan compares ` +
        `${n(scanMost.reservedCpusVisitedPerSlowPath)} reservations per slow path ` +
        `(${n(scanMost.lockOpsPerSlowPath)} operations under the lock) where indexed needs ` +
        `${n(indexedMost.lockOpsPerSlowPath)} (${n(ratio)}x less); at ${fewest} CPUs it is ` +
        `${n(scanFewest.lockOpsPerSlowPath)} vs ${n(indexedFewest.lockOpsPerSlowPath)}.` +
        (countedMost
          ? ` counted needs ${n(countedMost.lockOpsPerSlowPath)}` +
            (countedMost.lockOpsPerSlowPath === scanMost.lockOpsPerSlowPath
              ? ", the same as scan: it never skipped there."
              : ".")
          : ""),
      evidence:
        `Measured mean slow path (sampled, this machine): scan ${n(scanMost.slowPathNsMean)} ns, ` +
        `indexed ${n(indexedMost.slowPathNsMean)} ns at ${most} CPUs; scan's most in one lookup ` +
        `${n(scanMost.reservedCpusVisitedMax)}. At ${pointText(scanMost)}.`,
    });
  }

  const counted = output.rows.filter((row) => row.strategy === "counted");
  if (counted.length > 0) {
    const best = counted.reduce((a, b) =>
      b.countedSkipPercentOfSlowPaths > a.countedSkipPercentOfSlowPaths ? b : a,
    );
    const skipping = new Set(counted.filter((r) => r.countedSkips > 0).map((r) => r.point));
    const points = new Set(counted.map((row) => row.point));
    const lookups = counted.reduce((sum, row) => sum + row.reservedLookups, 0);
    const skips = counted.reduce((sum, row) => sum + row.countedSkips, 0);
    findings.push({
      id: "counted-skip",
      headline:
        `Counting the CPUs with stale reservations rarely lets the loop be skipped: counted skipped ` +
        `${n(skips)} of ${n(lookups)} lookups (${n(lookups === 0 ? 0 : (100 * skips) / lookups)}%) ` +
        `over the sweep, at most ${n(best.countedSkipPercentOfSlowPaths)}% of slow paths at one point; ` +
        `it skipped at all at ${skipping.size} of ${points.size} points.`,
      evidence:
        "Some reservation of the last rollover (a CPU whose guest has not run since) almost always " +
        `stays stale until the next rollover. Best point: ${pointText(best)}.`,
    });
  }

  const rollovers = selectRows(output, ["vms", "bits"], {
    strategy: "scan",
    flush: "broadcast",
  }).rows;
  const widths = [...new Set(rollovers.map((row) => row.bits))].sort((a, b) => a - b);
  if (widths.length > 0 && rollovers.length > 0) {
    const parts = widths.map((bits) => {
      const byVms = rollovers.filter((row) => row.bits === bits).sort((a, b) => a.vms - b.vms);
      const top = byVms[byVms.length - 1];
      const first = byVms.find((row) => row.rolloversPerMillionUpdates >= 100);
      const every = top.rolloversPerMillionUpdates > 0 ? 1e6 / top.rolloversPerMillionUpdates : 0;
      return (
        `${bits}-bit VMIDs: ${n(top.rolloversPerMillionUpdates)} rollovers per million updates at ${n(top.vms)} VMs` +
        (every > 0 ? ` (one every ${n(Math.round(every))} updates)` : "") +
        (first ? `, at least 100 per million from ${n(first.vms)} VMs` : ", never 100 per million")
      );
    });
    findings.push({
      id: "rollovers",
      headline: `Rollovers are frequent as soon as the VMs' contexts outnumber the ids: ${parts.join("; ")}.`,
      evidence: `At ${rollovers[0].cpus} CPUs, ${rollovers[0].vcpusPerVm} vCPUs per VM, churn ${rollovers[0].churn}/1000 slices, ${rollovers[0].put ? "put" : "no put"}, seed ${rollovers[0].seed}.`,
    });
  }

  const pairs = output.rows
    .filter((row) => row.strategy === "scan" && row.flush === "broadcast" && row.rollovers > 0)
    .map((broadcast) => ({
      broadcast,
      deferred: output.rows.find(
        (row) =>
          row.point === broadcast.point && row.strategy === "scan" && row.flush === "deferred",
      ),
    }))
    .filter(
      (pair): pair is { broadcast: SweepRow; deferred: SweepRow } => pair.deferred !== undefined,
    );
  if (pairs.length > 0) {
    const saving = (pair: (typeof pairs)[number]) =>
      1 - pair.deferred.cpusFlushed / pair.broadcast.cpusFlushed;
    const best = pairs.reduce((a, b) => (saving(b) > saving(a) ? b : a));
    const equal = pairs.filter((pair) => pair.deferred.cpusFlushed === pair.broadcast.cpusFlushed);
    const interval = 1e6 / best.broadcast.rolloversPerMillionUpdates;
    findings.push({
      id: "flushes",
      headline:
        `Deferred flushing saves TLB flushes only when rollovers come faster than every CPU ` +
        `updates: at most ${n(100 * saving(best))}% fewer CPU TLBs flushed (${best.broadcast.cpus} CPUs, ` +
        `a rollover every ${n(Math.round(interval))} updates); at ${equal.length} of ${pairs.length} ` +
        `points that roll over, both flush exactly the same CPUs, deferred one at a time.`,
      evidence:
        `Broadcast ${n(best.broadcast.cpusFlushed)} vs deferred ${n(best.deferred.cpusFlushed)} CPU ` +
        `TLBs flushed at ${pointText(best.broadcast)}. Deferred replaces one broadcast per rollover ` +
        "by a local flush in each CPU's next slow path (and, with puts, at a put after a rollover).",
    });
  }
  return findings;
}
