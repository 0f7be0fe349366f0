import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { allocatorId } from "../../../src/check/decodeState.js";
import {
  CPU_FIELDS,
  CpuField,
  FLUSH_PENDING,
  GENERATION,
  initialState,
  LOCK,
  type ModelLayout,
  modelLayout,
} from "../../../src/check/ModelLayout.js";
import { Action, PC_NAMES, Pc, pinnedVms, type StepModel } from "../../../src/check/stepModel.js";
import { testBit } from "../../../src/core/bitmap.js";
import type { FlushPolicy } from "../../../src/core/FlushPolicy.js";
import { type IdSpaceOptions, idSpace } from "../../../src/core/IdSpace.js";
import { MUTANT_NAMES, type MutantName } from "../../../src/core/Mutant.js";
import { STRATEGY_NAMES, type StrategyName } from "../../../src/core/strategies/ReservedLookup.js";
import { LockedWord } from "../../../src/mem/VmidMemory.js";
import { seeded } from "../../_support/seeded.js";
import { type AllocatorView, modelAllocatorView } from "./_support/modelAllocatorView.js";
import { allSuccessors, cpuWord, type Transition } from "./_support/modelDriver.js";
import { type SteppedConfig, SteppedCpus } from "./_support/SteppedCpus.js";
import { Command, describeLabel, Hardware, labelOf, Op } from "./_support/steppedCpu.js";

/*
 * "The model is the code", interleaved. The sequential conformance test (conformance.test.ts)
 * runs one operation at a time; here the CPUs interleave. Each CPU is a worker thread running
 * src/core's own updateVmid / clearActive over the shared-memory backend, paused before and
 * after every access another CPU can observe (test/unit/check/_support/steppedCpu.ts): the
 * core is not changed or re-expressed. A random schedule of the step model is followed step
 * for step: each model transition of CPU c is matched by releasing c's worker through exactly
 * the core accesses that step stands for (listed in `coreAccesses` below; a mismatch in the
 * access, the CPU or VM it names, or a value it writes or reads fails), and after every step
 * the whole state is compared:
 * - generation, curIdx, active[], reserved[], the bitmap, every VM's id, the deferred flush
 *   marks, and the lock (held or free, and by which CPU: the core's lock word says whether it
 *   is held, the holder is the CPU whose worker passed lock() and not yet unlock());
 * - the hardware: each CPU's TLB and loaded guest. The core has no hardware, so the workers
 *   drive a replica from what the core does: guest entry when updateVmid returns (fill
 *   (vm, idx), load the guest), unload at a put, and the core's own flush callbacks (onFlush:
 *   every TLB; onLocalFlush: one CPU's).
 * - the id an update returned equals the model's published id.
 * Not compared: the update's locals (vmid, old, the rollover's CPU index) live in the core's
 * stack frames; they are checked indirectly through the values the core's accesses write and
 * read (a compare-exchange's expected and new values are the model's old and vmid, and so on).
 * Not run: speculative TLB fills and `exitUnloads` (hardware only: no core code runs there).
 *
 * Model steps that stand for several core accesses, and why no other CPU may run between them
 * (the README's model-checker section gives the same list):
 * - lock: lock(), then loadVmId and loadGeneration. Only lock holders write VM ids and the
 *   generation, so under the lock both reads return what they would right after lock().
 * - newVmid: loadVmId, loadGeneration (stable, as above), the lookup's and the bitmap's
 *   lock-only accesses, and the store of the VM id. Lock-only state: no other CPU reads it.
 * - bumpGeneration: loadGeneration, storeGeneration, and (deferred) the flush marks of every
 *   CPU. See the README for why the marks may be set in the same step as the bump.
 * - publish: (deferred) the test-and-clear of this CPU's mark and its flush, storeActive and
 *   unlock. See the README for why no other CPU can tell these apart.
 * - put under `deferred`: the model splits it as the core does (store INVALID, then the
 *   test-and-clear, a step of its own).
 * Lock-only accesses between two observable ones belong to the step the model puts them in;
 * the pauses are placed so that they do: e.g. the rollover's reservation of CPU c is done
 * before the `reserved` pause that ends its flushCpu step, and the slow path's deferred flush,
 * which the core makes right after the last access of the lock / newVmid steps, runs when the
 * worker is released for publish.
 *
 * Schedules: fast-check draws a list of choices per run (seeded: the seed is in each test's
 * name). Each choice picks a CPU with an enabled transition, then one of its transitions.
 * When the list ends, the CPUs that are mid-operation run to idle (still compared). A failure
 * prints the seed, fast-check's replay path, the shrunk schedule as model transitions and how
 * to rerun the one test.
 */

/** Generation bound of the model: never reached here (the ids stay far below 2^31). */
const GENERATIONS = 1_000_000;

interface Case {
  /** The allocator and KPTI (the VMID allocator by default). */
  readonly space?: IdSpaceOptions;
  readonly flush: FlushPolicy;
  readonly mutant: MutantName | undefined;
  /** Pin and unpin transitions (and commands) too. */
  readonly pins?: boolean;
  readonly strategy: StrategyName;
  readonly bits: number;
  readonly cpus: number;
  readonly vms: number;
  readonly seed: number;
}

/** What the runs of one case covered, so that a test shows it was not vacuous. */
interface Coverage {
  steps: number;
  rollovers: number;
  /** Steps of a CPU while another one's rollover was between its bump and its allocation. */
  stepsDuringRollover: number;
  /** Fast-path compare-exchanges (or exchanges) that found 0: lost a race with a rollover. */
  racesLostToRollover: number;
  /** Deferred: flushes of a marked CPU at publish and after a put. */
  publishFlushes: number;
  putFlushes: number;
  /** Pins started. */
  pins: number;
}

function emptyCoverage(): Coverage {
  return {
    steps: 0,
    rollovers: 0,
    stepsDuringRollover: 0,
    racesLostToRollover: 0,
    publishFlushes: 0,
    putFlushes: 0,
    pins: 0,
  };
}

function modelOf(config: Case): StepModel {
  const layout = modelLayout(
    config.cpus,
    config.vms,
    config.bits,
    idSpace(config.bits, config.space),
    config.pins === true,
  );
  return {
    layout,
    generations: GENERATIONS,
    // The ASID allocator has no put. CnP's unload at update start (exitUnloads) changes only
    // the hardware model, which the workers drive as for the VMID allocator: left out here.
    puts: config.space?.allocator !== "asid",
    speculation: false,
    mutant: config.mutant,
    flush: config.flush,
    exitUnloads: false,
    // One TLB bit per (VM, idx) in an Int32: only when they fit.
    trackTlb: tracksTlb(layout),
    trackLoaded: true,
  };
}

function tracksTlb(layout: ModelLayout): boolean {
  return layout.tlbWidth <= 31;
}

/** One access the core must make (or pause it must reach), with the values it must show. */
interface Expected {
  readonly op: number;
  readonly after: boolean;
  readonly arg: number;
  readonly value0?: number;
  readonly value1?: number;
}

const before = (op: number, arg = 0, value0?: number, value1?: number): Expected => ({
  op,
  after: false,
  arg,
  value0,
  value1,
});
const afterAccess = (op: number, arg = 0, value0?: number): Expected => ({
  op,
  after: true,
  arg,
  value0,
});
/** Both pauses of an access: before it (values written), after it (value read). */
const access = (op: number, arg: number, written?: number, read?: number): Expected[] => [
  before(op, arg, written),
  afterAccess(op, arg, read),
];

/**
 * The pauses the core's worker for `t.cpu` must reach, in order, to do what the model's
 * transition `t` from `state` did. The worker starts at the pause where the previous step of
 * that CPU left it (after its last access, or before the next one where noted).
 */
function coreAccesses(model: StepModel, state: Int32Array, t: Transition): Expected[] {
  const { layout, flush, mutant } = model;
  const cpu = t.cpu;
  const word = (s: Int32Array, field: number) => cpuWord(layout, s, cpu, field);
  const vm =
    t.action === Action.startUpdate || t.action === Action.startPin || t.action === Action.unpin
      ? t.detail
      : word(state, CpuField.vm);
  const vmIdAfter = allocatorId(layout, t.next[layout.vmId + vm - 1]);
  const marked = (state[FLUSH_PENDING] & (1 << cpu)) !== 0;
  const localFlush = marked ? access(Op.localFlush, cpu) : [];
  const idle = before(Op.idle, cpu);
  if (t.action === Action.startUpdate) return [before(Op.loadVmId, vm)];
  // pinVmid starts with the lock; the rest of it is the pinLock step and what follows.
  if (t.action === Action.startPin) return [before(Op.lock, 0)];
  if (t.action === Action.unpin) {
    // unpinVmid: lock, the pin count (lock-only: no pause), at the last pin the VM's id (its
    // idx leaves the pinned map), unlock; the model's one step.
    const last = state[layout.pinCount + vm - 1] === 1;
    const id = allocatorId(layout, state[layout.vmId + vm - 1]);
    return [
      ...access(Op.lock, 0),
      ...(last ? access(Op.loadVmId, vm, undefined, id) : []),
      ...access(Op.unlock, 0),
      idle,
    ];
  }
  if (t.action === Action.put) {
    // The core's clearActive: store INVALID (0 for clear-to-zero); under deferred its
    // test-and-clear follows, which the model makes a step of its own (putFlush).
    const stored = allocatorId(layout, t.next[layout.active + cpu]);
    const accesses = access(Op.storeActive, cpu, stored);
    return word(t.next, CpuField.pc) === Pc.putFlush ? accesses : [...accesses, idle];
  }
  assert.equal(t.action, Action.step, "no speculation in this test");
  const active = allocatorId(layout, state[layout.active + cpu]);
  const vmid = allocatorId(layout, word(state, CpuField.vmid));
  const generation = state[GENERATION] * layout.generationStep;
  switch (t.detail) {
    case Pc.readVmid:
      return [afterAccess(Op.loadVmId, vm, allocatorId(layout, word(t.next, CpuField.vmid)))];
    case Pc.readActive:
      return access(Op.loadActive, cpu, undefined, active);
    case Pc.checkGeneration:
      return access(Op.loadGeneration, 0, undefined, generation);
    case Pc.compareExchange:
      return [
        before(Op.compareExchangeActive, cpu, allocatorId(layout, word(state, CpuField.old)), vmid),
        afterAccess(Op.compareExchangeActive, cpu, active),
      ];
    case Pc.exchange:
      return access(Op.exchangeActive, cpu, vmid, active);
    case Pc.lock:
      return [
        ...access(Op.lock, 0),
        ...access(Op.loadVmId, vm, undefined, allocatorId(layout, state[layout.vmId + vm - 1])),
        ...access(Op.loadGeneration, 0, undefined, generation),
      ];
    case Pc.newVmid: {
      const reads = [
        ...access(Op.loadVmId, vm, undefined, vmid),
        ...access(Op.loadGeneration, 0, undefined, generation),
      ];
      // Renewed (reservation hit, old idx free) or found by the search: the VM id is stored.
      // Otherwise the search failed and a rollover follows, with nothing stored yet.
      const nextPc = word(t.next, CpuField.pc);
      const stored = nextPc === Pc.publish || nextPc === Pc.pinPublish;
      return stored ? [...reads, ...access(Op.storeVmId, vm, vmIdAfter)] : reads;
    }
    case Pc.bumpGeneration:
      // Ends before the exchange of CPU 0's slot: the bitmap is cleared, the strategy reset
      // and (deferred) every CPU marked, as the model's step does.
      return [
        ...access(Op.loadGeneration, 0, undefined, generation),
        ...access(Op.storeGeneration, 0, t.next[GENERATION] * layout.generationStep),
        before(Op.exchangeActive, 0, 0),
      ];
    case Pc.flushCpu: {
      const c = word(state, CpuField.aux);
      const exchanged = allocatorId(layout, state[layout.active + c]);
      const reservation = allocatorId(layout, t.next[layout.reserved + c]);
      return [
        ...(c === 0 ? [] : [before(Op.exchangeActive, c, 0)]),
        afterAccess(Op.exchangeActive, c, exchanged),
        before(Op.reserved, c, reservation),
      ];
    }
    case Pc.flush:
      // The broadcast flush; nothing under deferred (CPUs flush themselves) or no-flush.
      return flush === "broadcast" && mutant !== "no-flush" ? access(Op.flushAll, 0) : [];
    case Pc.allocateAfterRollover:
      return access(Op.storeVmId, vm, vmIdAfter);
    case Pc.publish:
      return [
        ...(flush === "deferred" ? localFlush : []),
        ...access(Op.storeActive, cpu, vmid),
        ...access(Op.unlock, 0),
      ];
    case Pc.enterGuest:
      return [before(Op.returned, cpu, vmid), idle];
    case Pc.putFlush:
      return [...localFlush, idle];
    case Pc.pinLock: {
      // pinVmid under the lock: the VM's id, its pin count (no pause); pinned already or at
      // the limit: unlock; else the generation, and a current id: unlock; a stale one: keep
      // the lock for newVmid (the next step).
      const id = allocatorId(layout, state[layout.vmId + vm - 1]);
      const head = [afterAccess(Op.lock, 0), ...access(Op.loadVmId, vm, undefined, id)];
      const end = [...access(Op.unlock, 0), idle];
      if (state[layout.pinCount + vm - 1] > 0 || pinnedVms(layout, state) >= layout.maxPinned)
        return [...head, ...end];
      const withGeneration = [...head, ...access(Op.loadGeneration, 0, undefined, generation)];
      return word(t.next, CpuField.pc) === Pc.idle ? [...withGeneration, ...end] : withGeneration;
    }
    case Pc.pinPublish:
      return [...access(Op.unlock, 0), idle];
    default:
      throw new Error(`unexpected pc ${t.detail}`);
  }
}

/** The state both sides expose: the allocator's, the flush marks, the lock and the hardware. */
interface SharedView extends AllocatorView {
  readonly flushMarks: number;
  /** The CPU holding the lock, or -1. */
  readonly lockHolder: number;
  readonly tlb: number[];
  readonly loadedVm: number[];
  readonly loadedIdx: number[];
  /** The pinned map (its word: N <= 16) and every VM's pin count. */
  readonly pinnedMap: number;
  readonly pinCounts: number[];
}

function modelView(model: StepModel, s: Int32Array): SharedView {
  const { layout } = model;
  const perCpu = (field: number) =>
    Array.from({ length: layout.cpus }, (_, c) => s[layout.cpuBase + c * CPU_FIELDS + field]);
  return {
    ...modelAllocatorView(layout, s),
    flushMarks: s[FLUSH_PENDING],
    lockHolder: s[LOCK] - 1,
    tlb: model.trackTlb ? perCpu(CpuField.tlb) : [],
    loadedVm: perCpu(CpuField.loadedVm),
    loadedIdx: perCpu(CpuField.loadedIdx),
    pinnedMap: s[layout.pinnedMap],
    pinCounts: Array.from(s.subarray(layout.pinCount, layout.pinCount + layout.vms)),
  };
}

function coreView(model: StepModel, cpus: SteppedCpus, lockHolder: number): SharedView {
  const { layout } = model;
  const memory = cpus.memory;
  const range = (count: number) => Array.from({ length: count }, (_, i) => i);
  const allocatedIdx = range(layout.idCount).filter((idx) => testBit(memory.bitmap, idx));
  const lockWords = new Int32Array(memory.buffer, memory.layout.int32Base, 1);
  const hardware = (at: (cpu: number) => number) =>
    range(layout.cpus).map((c) => cpus.hardware[at(c)]);
  return {
    generation: Number(memory.loadGeneration()),
    curIdx: memory.lockedWords[LockedWord.curIdx],
    active: range(layout.cpus).map((c) => Number(memory.loadActive(c))),
    reserved: range(layout.cpus).map((c) => Number(memory.reserved[c])),
    allocatedIdx,
    vmIds: range(layout.vms).map((v) => Number(memory.loadVmId(v + 1))),
    flushMarks: memory.flushPending[0],
    // The word says whether the lock is held; the holder is the CPU the accesses say.
    lockHolder: Atomics.load(lockWords, memory.layout.lock) === 0 ? -1 : lockHolder,
    tlb: model.trackTlb ? hardware(Hardware.tlb) : [],
    loadedVm: hardware(Hardware.loadedVm),
    loadedIdx: hardware(Hardware.loadedIdx),
    // Without pins the model has no pinned map (its rollover takes the kernel's branch for
    // none: the KPTI pattern or a clear), while the core's keeps its initial value (under
    // KPTI the pattern): compared with pins only; the rollover's bitmap is compared always.
    // The word's bits past idx N - 1 (set by the KPTI pattern's fill) are not the model's.
    pinnedMap: layout.pins ? memory.pinnedMap[0] & (2 ** layout.idCount - 1) : 0,
    pinCounts: range(layout.vms).map((v) => memory.loadPinCount(v + 1)),
  };
}

/** A transition as a counterexample row: `cpu 1 lock`, `cpu 0 update VM 3`, `cpu 0 put`. */
function describeTransition(t: Transition): string {
  if (t.action === Action.startUpdate) return `cpu ${t.cpu} update VM ${t.detail}`;
  if (t.action === Action.put) return `cpu ${t.cpu} put`;
  if (t.action === Action.startPin) return `cpu ${t.cpu} pin VM ${t.detail}`;
  if (t.action === Action.unpin) return `cpu ${t.cpu} unpin VM ${t.detail}`;
  return `cpu ${t.cpu} ${PC_NAMES[t.detail]}`;
}

function describeExpected(e: Expected): string {
  return describeLabel(labelOf(e.op, e.after), e.arg);
}

/**
 * Runs one schedule (`choices`) on the model and on the core's CPUs, comparing after every
 * step; then lets the CPUs that are mid-operation finish, still comparing.
 */
function runSchedule(
  model: StepModel,
  cpus: SteppedCpus,
  choices: readonly number[],
  coverage: Coverage,
): void {
  const { layout } = model;
  cpus.reset();
  let state = initialState(layout);
  let lockHolder = -1;
  const history: string[] = [];
  const fail = (message: string): never => {
    const steps = history.map((row, i) => `  ${i + 1}. ${row}`).join("\n");
    throw new Error(`${message}\nafter the schedule's steps:\n${steps}`);
  };
  const take = (t: Transition) => {
    const row = describeTransition(t);
    history.push(row);
    const pc = cpuWord(layout, state, t.cpu, CpuField.pc);
    const holder = state[LOCK] - 1;
    if (holder >= 0 && holder !== t.cpu) {
      const holderPc = cpuWord(layout, state, holder, CpuField.pc);
      if (holderPc >= Pc.flushCpu && holderPc <= Pc.allocateAfterRollover)
        coverage.stepsDuringRollover++;
    }
    if (t.action === Action.step && pc === Pc.bumpGeneration) coverage.rollovers++;
    if (t.action === Action.step && (pc === Pc.compareExchange || pc === Pc.exchange)) {
      if (state[layout.active + t.cpu] === 0) coverage.racesLostToRollover++;
    }
    if (t.action === Action.step && (state[FLUSH_PENDING] & (1 << t.cpu)) !== 0) {
      if (pc === Pc.publish && model.flush === "deferred") coverage.publishFlushes++;
      if (pc === Pc.putFlush) coverage.putFlushes++;
    }
    const expected = coreAccesses(model, state, t);
    if (t.action === Action.startUpdate) cpus.command(t.cpu, Command.update, t.detail);
    if (t.action === Action.put) cpus.command(t.cpu, Command.put);
    if (t.action === Action.startPin) {
      coverage.pins++;
      cpus.command(t.cpu, Command.pin, t.detail);
    }
    if (t.action === Action.unpin) cpus.command(t.cpu, Command.unpin, t.detail);
    for (const e of expected) {
      const got = cpus.advance(t.cpu);
      const where = `step ${history.length} (${row}): core`;
      if (got.label !== labelOf(e.op, e.after) || got.arg !== e.arg) {
        fail(
          `${where} reached ${describeLabel(got.label, got.arg)}, model expects ${describeExpected(e)}`,
        );
      }
      for (const [name, want, value] of [
        ["value 0", e.value0, got.value0],
        ["value 1", e.value1, got.value1],
      ] as const) {
        if (want !== undefined && Number(value) !== want) {
          fail(`${where} ${describeExpected(e)} ${name} is ${value}, model's ${want}`);
        }
      }
      if (e.op === Op.lock && e.after) lockHolder = t.cpu;
      if (e.op === Op.unlock && e.after) lockHolder = -1;
    }
    state = t.next;
    coverage.steps++;
    const want = modelView(model, state);
    const got = coreView(model, cpus, lockHolder);
    try {
      assert.deepEqual(got, want);
    } catch (error) {
      fail(
        `step ${history.length} (${row}): states differ (actual: core, expected: model)\n${(error as Error).message}`,
      );
    }
  };
  for (const choice of choices) {
    const transitions = allSuccessors(model, state);
    if (transitions.length === 0) fail("no transition enabled");
    const movable = [...new Set(transitions.map((t) => t.cpu))];
    const cpu = movable[choice % movable.length];
    const mine = transitions.filter((t) => t.cpu === cpu);
    take(mine[Math.floor(choice / movable.length) % mine.length]);
  }
  // Drain: CPUs mid-operation run to idle, the lowest-numbered movable one first.
  for (let guard = 0; ; guard++) {
    if (guard > 10_000) fail("the drain does not end");
    const busy = allSuccessors(model, state).filter((t) => t.action === Action.step);
    if (busy.length === 0) break;
    take(busy[0]);
  }
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    if (cpuWord(layout, state, cpu, CpuField.pc) !== Pc.idle) fail(`cpu ${cpu} cannot finish`);
  }
  if (!cpus.allIdle()) fail("a core CPU did not return to idle");
}

/** Schedules per case and their length in choices. */
const RUNS = 12;
const CHOICES = 300;

const TEST_FILE = "dist/test/unit/check/interleavedConformance.test.js";

async function checkCase(config: Case, name: string): Promise<Coverage> {
  const model = modelOf(config);
  const stepped: SteppedConfig = config;
  let cpus = new SteppedCpus(stepped);
  await cpus.started();
  const coverage = emptyCoverage();
  // The message of the last failing run: fast-check's own report omits it when its time limit
  // interrupts the shrinking, and the last failure is the smallest schedule found so far.
  let lastFailure: string | undefined;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 1023 }), { minLength: 1, maxLength: CHOICES, size: "max" }),
        async (choices) => {
          if (!cpus.allIdle() && !cpus.abandonRun()) {
            // A failed run (shrinking) left a worker stuck: start over with fresh ones.
            await cpus.terminate();
            cpus = new SteppedCpus(stepped);
            await cpus.started();
          }
          try {
            runSchedule(model, cpus, choices, coverage);
          } catch (error) {
            lastFailure = `${(error as Error).message}\nrerun: node --test --test-name-pattern="${name.replace(/[()]/g, ".")}" ${TEST_FILE}`;
            throw new Error(lastFailure);
          }
        },
      ),
      seeded(config.seed, RUNS, 15_000),
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n\nsmallest failing schedule found:\n${lastFailure}`,
    );
  } finally {
    await cpus.terminate();
  }
  return coverage;
}

/** The strategies a mutant's model is compared on (see conformance.test.ts). */
function strategiesFor(mutant: MutantName | undefined): readonly StrategyName[] {
  return mutant === "early-exit-reserved" ? ["scan", "counted"] : STRATEGY_NAMES;
}

function casesFor(flush: FlushPolicy): Case[] {
  const mutants: (MutantName | undefined)[] = [
    undefined,
    ...MUTANT_NAMES.filter((m) => m !== "no-put-flush" || flush === "deferred"),
  ];
  const cases: Case[] = [];
  let seed = flush === "broadcast" ? 9100 : 9200;
  for (const mutant of mutants) {
    for (const strategy of strategiesFor(mutant)) {
      // 2 CPUs, 2-bit ids, 4 VMs: more VMs than the 3 usable ids, so rollovers are frequent.
      cases.push({ flush, mutant, strategy, bits: 2, cpus: 2, vms: 4, seed: seed++ });
    }
  }
  // Three CPUs (a rollover beside two racing fast paths; the indexed strategy's lists hold
  // more than one CPU): 3-bit ids, 12 VMs for 7 usable ids. The model's TLB (one bit per VM
  // and idx in an Int32) does not fit, so TLBs are not compared there.
  for (const strategy of STRATEGY_NAMES) {
    cases.push({ flush, mutant: undefined, strategy, bits: 3, cpus: 3, vms: 12, seed: seed++ });
  }
  return cases;
}

/**
 * The ASID allocator (deferred flush, no put): correct and each mutant that does not change
 * the put, with KPTI (3-bit ids, 2 CPUs, 4 VMs for the 3 usable even idx) and without (2-bit
 * ids as above), on the seed's strategy, plus the other strategies on the correct algorithm.
 */
function asidCases(): Case[] {
  const cases: Case[] = [];
  let seed = 9300;
  for (const kpti of [false, true]) {
    const space = { allocator: "asid", kpti } as const;
    const bits = kpti ? 3 : 2;
    const mutants = MUTANT_NAMES.filter((m) => m !== "clear-to-zero" && m !== "no-put-flush");
    for (const strategy of STRATEGY_NAMES) {
      cases.push({
        space,
        flush: "deferred",
        mutant: undefined,
        strategy,
        bits,
        cpus: 2,
        vms: 4,
        seed: seed++,
      });
    }
    for (const mutant of mutants) {
      cases.push({
        space,
        flush: "deferred",
        mutant,
        strategy: "scan",
        bits,
        cpus: 2,
        vms: 4,
        seed: seed++,
      });
    }
  }
  return cases;
}

/**
 * Pinned ids: CPUs also pin and unpin (pinVmid, unpinVmid). Pins need maxPinned = 2^bits -
 * cpus - 2 >= 1, so 3-bit ids: 2 CPUs (maxPinned 4) and 3 CPUs (maxPinned 3), with more VMs
 * than the 7 usable ids; TLBs are not compared (they do not fit the model's Int32).
 */
function pinCases(): Case[] {
  const cases: Case[] = [];
  let seed = 9300;
  for (const mutant of [undefined, "forget-pinned-map", "pinned-before-reserved"] as const) {
    for (const cpus of [2, 3]) {
      cases.push({
        flush: "broadcast",
        mutant,
        pins: true,
        strategy: "scan",
        bits: 3,
        cpus,
        vms: 10,
        seed: seed++,
      });
    }
  }
  cases.push({
    flush: "deferred",
    mutant: undefined,
    pins: true,
    strategy: "indexed",
    bits: 3,
    cpus: 2,
    vms: 10,
    seed: seed++,
  });
  return cases;
}

/**
 * Pinned ids on the ASID allocator (deferred flush, no put), correct and both pin mutants.
 * Without KPTI: 3-bit ids on 2 CPUs, maxPinned 8 - 2 - 2 = 4. With KPTI the limit uses the
 * halved count, so 3-bit ids allow none (4 - 2 - 2 = 0): 4-bit ids, N = 8, maxPinned 4, with
 * more VMs than the 7 usable even idx. Here the pinned map starts with every odd idx set and
 * each rollover copies it: the pinned map word is compared whole, pattern included.
 */
function asidPinCases(): Case[] {
  const cases: Case[] = [];
  let seed = 9500;
  for (const kpti of [false, true]) {
    for (const mutant of [undefined, "forget-pinned-map", "pinned-before-reserved"] as const) {
      cases.push({
        space: { allocator: "asid", kpti },
        flush: "deferred",
        mutant,
        pins: true,
        strategy: "scan",
        bits: kpti ? 4 : 3,
        cpus: 2,
        vms: 10,
        seed: seed++,
      });
    }
  }
  return cases;
}

describe("interleaved conformance: the step model is the core's algorithm, step for step", () => {
  const totals: Record<FlushPolicy, Coverage> = {
    broadcast: emptyCoverage(),
    deferred: emptyCoverage(),
  };
  for (const flush of ["broadcast", "deferred"] as const) {
    for (const config of casesFor(flush)) {
      const what =
        config.mutant === undefined ? "the correct algorithm" : `mutant ${config.mutant}`;
      const name = `${flush} flush, ${what}, ${config.strategy} strategy: ${config.cpus} CPUs, ${config.vms} VMs, ${config.bits}-bit ids (seed ${config.seed})`;
      test(name, async (t) => {
        const coverage = await checkCase(config, name);
        t.diagnostic(JSON.stringify(coverage));
        for (const key of Object.keys(coverage) as (keyof Coverage)[]) {
          totals[flush][key] += coverage[key];
        }
        // Not vacuous: the runs rolled over (about one run in two at least) with other CPUs moving.
        assert.ok(coverage.rollovers >= RUNS / 2, `only ${coverage.rollovers} rollovers`);
        assert.ok(coverage.stepsDuringRollover > 0, "no step ran beside a rollover");
      });
    }
  }
  const asidTotal = emptyCoverage();
  for (const config of asidCases()) {
    const what = config.mutant === undefined ? "the correct algorithm" : `mutant ${config.mutant}`;
    const kpti = config.space?.kpti === true ? " with KPTI" : "";
    const name = `ASID allocator${kpti}, ${what}, ${config.strategy} strategy: ${config.cpus} CPUs, ${config.vms} VMs, ${config.bits}-bit ids (seed ${config.seed})`;
    test(name, async (t) => {
      const coverage = await checkCase(config, name);
      t.diagnostic(JSON.stringify(coverage));
      for (const key of Object.keys(coverage) as (keyof Coverage)[])
        asidTotal[key] += coverage[key];
      assert.ok(coverage.rollovers >= RUNS / 2, `only ${coverage.rollovers} rollovers`);
      assert.ok(coverage.stepsDuringRollover > 0, "no step ran beside a rollover");
    });
  }
  test("ASID allocator: the schedules covered the races", () => {
    assert.ok(asidTotal.racesLostToRollover >= 5, `${asidTotal.racesLostToRollover} lost races`);
    assert.ok(asidTotal.publishFlushes >= 100, `${asidTotal.publishFlushes} flushes at publish`);
    assert.equal(asidTotal.putFlushes, 0, "the ASID allocator has no put");
  });
  for (const config of [...pinCases(), ...asidPinCases()]) {
    const what = config.mutant === undefined ? "the correct algorithm" : `mutant ${config.mutant}`;
    const allocator =
      config.space?.allocator === "asid"
        ? `ASID allocator${config.space.kpti === true ? " with KPTI" : ""}, `
        : "";
    const name = `pins, ${allocator}${config.flush} flush, ${what}, ${config.strategy} strategy: ${config.cpus} CPUs, ${config.vms} VMs, ${config.bits}-bit ids (seed ${config.seed})`;
    test(name, async (t) => {
      const coverage = await checkCase(config, name);
      t.diagnostic(JSON.stringify(coverage));
      // Not vacuous: pins were started, and the runs rolled over with other CPUs moving.
      assert.ok(coverage.pins >= RUNS * 4, `only ${coverage.pins} pins`);
      assert.ok(coverage.rollovers >= RUNS / 2, `only ${coverage.rollovers} rollovers`);
      assert.ok(coverage.stepsDuringRollover > 0, "no step ran beside a rollover");
    });
  }
  // Over all cases of a policy (the schedules are fixed by the seeds, so these are exact
  // counts, not timings): fast paths lost races to rollovers, and under deferred, puts raced
  // with rollovers that marked them.
  for (const flush of ["broadcast", "deferred"] as const) {
    test(`${flush} flush: the schedules covered the races`, () => {
      const total = totals[flush];
      assert.ok(total.racesLostToRollover >= 5, `${total.racesLostToRollover} lost races`);
      if (flush === "deferred") {
        assert.ok(total.putFlushes >= 5, `${total.putFlushes} flushes after a put`);
        assert.ok(total.publishFlushes >= 100, `${total.publishFlushes} flushes at publish`);
      }
    });
  }
});
