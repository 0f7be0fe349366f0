import { type Decimals, formatNumber } from "../_internal/formatNumber.js";
import { type CheckOptions, checkModelLayout, defaultInvariants } from "../check/CheckOptions.js";
import type { CheckResult } from "../check/CheckResult.js";
import { type DecodedState, decodeState } from "../check/decodeState.js";
import { INVARIANTS } from "../check/invariants.js";

const integer: Decimals = { upTo: 0 };

/** The `vmid check` command line that repeats a check. */
export function checkCommandLine(options: CheckOptions): string {
  const parts = [`vmid check --cpus ${options.cpus} --vms ${options.vms} --bits ${options.bits}`];
  if (options.generations !== undefined) parts.push(`--generations ${options.generations}`);
  const asid = options.allocator === "asid";
  if (asid) parts.push("--allocator asid");
  if (options.kpti === true) parts.push("--kpti");
  if (options.mutant !== undefined) parts.push(`--mutant ${options.mutant}`);
  if (options.flush !== (asid ? "deferred" : "broadcast")) parts.push(`--flush ${options.flush}`);
  if (options.speculation) parts.push("--speculation");
  // The ASID allocator unloads at the start of an update by default (CnP's reserved TTBR0).
  if (asid && !options.exitUnloads) parts.push("--no-cnp");
  if (!asid && options.exitUnloads) parts.push("--exit-unloads");
  if (!asid && !options.puts) parts.push("--no-puts");
  if (options.pins === true) parts.push("--pins");
  const defaults = defaultInvariants(options.pins === true);
  const isDefault =
    options.invariants.length === defaults.length &&
    options.invariants.every((n) => defaults.includes(n));
  if (!isDefault) {
    parts.push(...options.invariants.map((name) => `--invariant ${name}`));
  }
  return parts.join(" ");
}

const tlbText = (entries: DecodedState["cpus"][number]["tlb"]) =>
  `{${entries.map((e) => `(vm${e.vm},${e.idx})`).join(" ")}}`;

/** What changed from one decoded state to the next, as short phrases. */
export function changes(before: DecodedState, after: DecodedState): string[] {
  const found: string[] = [];
  if (before.generation !== after.generation)
    found.push(`generation ${before.generation}->${after.generation}`);
  if (before.allocatedIdx.join() !== after.allocatedIdx.join())
    found.push(`map {${after.allocatedIdx.join(",")}}`);
  if (before.curIdx !== after.curIdx) found.push(`curIdx ${after.curIdx}`);
  if (before.lockHolder !== after.lockHolder) {
    found.push(after.lockHolder >= 0 ? `lock taken by cpu${after.lockHolder}` : "lock released");
  }
  if (before.flushPending.join() !== after.flushPending.join())
    found.push(`flush pending {${after.flushPending.map((c) => `cpu${c}`).join(",")}}`);
  after.active.forEach((v, c) => {
    if (v !== before.active[c]) found.push(`active[${c}] ${before.active[c]}->${v}`);
  });
  after.reserved.forEach((v, c) => {
    if (v !== before.reserved[c]) found.push(`reserved[${c}] ${before.reserved[c]}->${v}`);
  });
  after.vmIds.forEach((v, i) => {
    if (v !== before.vmIds[i]) found.push(`vm${i + 1}.id ${before.vmIds[i]}->${v}`);
  });
  if (before.pinnedIdx?.join() !== after.pinnedIdx?.join())
    found.push(`pinned map {${after.pinnedIdx?.join(",")}}`);
  after.pinCounts?.forEach((count, i) => {
    if (count !== before.pinCounts?.[i]) found.push(`vm${i + 1} pin count ${count}`);
  });
  after.cpus.forEach((cpu, c) => {
    const was = before.cpus[c];
    if (cpu.vmid !== was.vmid && cpu.vmid !== "0") found.push(`cpu${c} vmid=${cpu.vmid}`);
    if (cpu.old !== was.old && cpu.old !== "0") found.push(`cpu${c} old=${cpu.old}`);
    if (cpu.loaded.vm !== was.loaded.vm || cpu.loaded.idx !== was.loaded.idx) {
      found.push(
        cpu.loaded.vm === 0
          ? `cpu${c} unloads its guest`
          : `cpu${c} runs vm${cpu.loaded.vm} idx ${cpu.loaded.idx}`,
      );
    }
    if (tlbText(cpu.tlb) !== tlbText(was.tlb)) found.push(`tlb${c} ${tlbText(cpu.tlb)}`);
  });
  return found;
}

/** The human-readable report of a check. */
export function formatCheckResult(result: CheckResult): string {
  const { options, stats } = result;
  const lines: string[] = [];
  const generations =
    options.generations === undefined
      ? "every generation"
      : `generations bounded to ${options.generations}`;
  const model = `${options.cpus} CPUs, ${options.vms} VMs, bits ${options.bits}, ${generations}`;
  const asid = options.allocator === "asid";
  const flags = [
    asid ? `ASID allocator${options.kpti === true ? " with KPTI pairs" : ""}` : "",
    options.puts ? "puts" : "no puts",
    `${options.flush} flush`,
    options.speculation ? "speculation" : "no speculation",
    asid
      ? options.exitUnloads
        ? "CnP: reserved TTBR0 before the update"
        : "no CnP"
      : options.exitUnloads
        ? "exit unloads the guest"
        : "",
    options.pins === true ? "pins" : "",
    options.mutant === undefined ? "" : `mutant ${options.mutant}`,
  ].filter((part) => part !== "");
  lines.push(`vmid check: ${model}, ${flags.join(", ")}`);
  lines.push(`invariants: ${options.invariants.join(", ")}`);
  switch (result.verdict) {
    case "holds":
      lines.push(
        options.generations === undefined
          ? "verdict: HOLDS: every invariant held in every reachable state, for every number of rollovers (full exploration)"
          : "verdict: HOLDS: every invariant held in every reachable state (full exploration, no rollover reached the bound)",
      );
      break;
    case "bounded":
      lines.push(
        `verdict: BOUNDED: no violation below the generation bound, but ${formatNumber(stats.cutTransitions, integer)} ` +
          `states wanted a rollover past generation ${options.generations}: not a proof for more generations`,
      );
      break;
    case "inconclusive":
      lines.push(
        `verdict: INCONCLUSIVE: stopped at --max-states ${formatNumber(options.maxStates, integer)}`,
      );
      break;
    case "violated": {
      const { counterexample } = result;
      lines.push(
        `verdict: VIOLATED ${counterexample.invariant}: ${INVARIANTS[counterexample.invariant]}`,
      );
      lines.push(`shortest counterexample, ${counterexample.steps.length} steps:`);
      const layout = checkModelLayout(options);
      let before = decodeState(layout, counterexample.initial);
      counterexample.steps.forEach((step, i) => {
        const after = decodeState(layout, step.state);
        const what = changes(before, after).join("; ");
        lines.push(
          `  ${String(i + 1).padStart(3)}  cpu${step.cpu}  ${step.action.padEnd(24)} ${what}`,
        );
        before = after;
      });
      lines.push(`final state: ${JSON.stringify(before)}`);
      break;
    }
  }
  lines.push(
    `states ${formatNumber(stats.states, integer)}, transitions ${formatNumber(stats.transitions, integer)}, depth ${stats.depth}, jobs ${stats.jobs}, ` +
      `${formatNumber(stats.elapsedMs / 1000, { fixed: 1 })} s, ${formatNumber(stats.statesPerSecond, integer)} states/s, peak memory ${formatNumber(stats.peakMemoryMiB, integer)} MiB, ` +
      `at most ${stats.maxGenerations} generation${stats.maxGenerations === 1 ? "" : "s"} in a state`,
  );
  lines.push(`replay: ${checkCommandLine(options)}`);
  return `${lines.join("\n")}\n`;
}

/** The result as JSON-ready data (states decoded). */
export function checkResultJson(result: CheckResult): Record<string, unknown> {
  const base = {
    verdict: result.verdict,
    // "unbounded": every generation explored (renamed); "bounded": options.generations cut rollovers past it.
    generations: result.options.generations === undefined ? "unbounded" : "bounded",
    options: result.options,
    stats: result.stats,
    replay: checkCommandLine(result.options),
  };
  if (result.verdict !== "violated") return base;
  const layout = checkModelLayout(result.options);
  return {
    ...base,
    counterexample: {
      invariant: result.counterexample.invariant,
      initial: decodeState(layout, result.counterexample.initial),
      steps: result.counterexample.steps.map((step) => ({
        cpu: step.cpu,
        action: step.action,
        state: decodeState(layout, step.state),
      })),
    },
  };
}
