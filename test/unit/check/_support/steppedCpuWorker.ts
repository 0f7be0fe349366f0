import { workerData } from "node:worker_threads";
import type { AllocatorContext } from "../../../../src/core/AllocatorContext.js";
import { createAllocatorContext } from "../../../../src/core/createAllocator.js";
import { pinVmid, unpinVmid } from "../../../../src/core/pinVmid.js";
import type { ReservedLookup } from "../../../../src/core/strategies/ReservedLookup.js";
import { reservedLookupNamed } from "../../../../src/core/strategies/reservedLookupNamed.js";
import { clearActive, updateVmid } from "../../../../src/core/updateVmid.js";
import { sharedMemoryView } from "../../../../src/mem/sharedMemory.js";
import {
  AbandonedRun,
  Command,
  controlSlot,
  Hardware,
  labelOf,
  Op,
  pauseAt,
  reportFailure,
  type SteppedCpuInput,
  SteppingMemory,
  Word,
} from "./steppedCpu.js";

/*
 * The worker script of the interleaved conformance test: one CPU running `src/core`'s
 * updateVmid, clearActive, pinVmid and unpinVmid over the shared memory, pausing at every access (see
 * steppedCpu.ts). The hardware it drives is the model's: guest entry fills the TLB bit of
 * (vm, idx) and loads the guest; a put unloads it; the core's flush callbacks empty TLBs.
 */

const input = workerData as SteppedCpuInput;
const { cpu } = input;
const slot = controlSlot(input.buffers, cpu);
const hardware = new Int32Array(input.buffers.hardware);
const idCount = 2 ** input.layout.bits;

/** A fresh context over a fresh view of the shared memory (the test resets it between runs). */
function freshContext(): AllocatorContext<bigint> {
  const memory = new SteppingMemory(sharedMemoryView(input.memoryBuffer, input.layout), slot);
  const context = createAllocatorContext(memory, {
    strategy: input.strategy,
    mutant: input.mutant,
    flush: input.flush,
    onFlush() {
      pauseAt(slot, labelOf(Op.flushAll, false), 0);
      for (let c = 0; c < input.layout.cpus; c++) Atomics.store(hardware, Hardware.tlb(c), 0);
      pauseAt(slot, labelOf(Op.flushAll, true), 0);
    },
    onLocalFlush(flushed) {
      pauseAt(slot, labelOf(Op.localFlush, false), flushed);
      Atomics.store(hardware, Hardware.tlb(flushed), 0);
      pauseAt(slot, labelOf(Op.localFlush, true), flushed);
    },
  });
  // The strategy itself, with a pause after each reservation a rollover makes: the end of the
  // rollover's step for one CPU (the core calls noteReserved after writing reserved[c]).
  const real = reservedLookupNamed(input.strategy);
  const lookup: ReservedLookup = {
    name: real.name,
    beginRollover: (memory) => real.beginRollover(memory),
    noteReserved(memory, reservedCpu, v) {
      real.noteReserved(memory, reservedCpu, v);
      pauseAt(slot, labelOf(Op.reserved, false), reservedCpu, memory.ids.toBigInt(v));
    },
    checkUpdateReserved: (memory, vmid, renewed, counters, firstMatchOnly) =>
      real.checkUpdateReserved(memory, vmid, renewed, counters, firstMatchOnly),
  };
  return { ...context, lookup };
}

/** Waits at `idle` for a command and runs it; false on `exit`. */
function runCommand(state: { context: AllocatorContext<bigint>; run: number }): boolean {
  pauseAt(slot, labelOf(Op.idle, false), cpu);
  const command = Atomics.load(slot.words, Word.command);
  if (command === Command.exit) return false;
  const run = Atomics.load(slot.words, Word.run);
  if (run !== state.run) {
    state.run = run;
    state.context = freshContext();
  }
  if (command === Command.update) {
    const vm = Atomics.load(slot.words, Word.commandVm);
    const id = updateVmid(state.context, cpu, vm);
    pauseAt(slot, labelOf(Op.returned, false), cpu, id);
    // Guest entry: VTTBR := (vm, idx), and the TLB caches the guest's entries.
    const idx = Number(id % BigInt(idCount));
    const entry = (vm - 1) * idCount + idx;
    // One bit per (VM, idx), as the model: configurations with more are not compared.
    if (entry < 31) Atomics.or(hardware, Hardware.tlb(cpu), 1 << entry);
    Atomics.store(hardware, Hardware.loadedVm(cpu), vm);
    Atomics.store(hardware, Hardware.loadedIdx(cpu), idx);
  } else if (command === Command.put) {
    Atomics.store(hardware, Hardware.loadedVm(cpu), 0);
    Atomics.store(hardware, Hardware.loadedIdx(cpu), 0);
    clearActive(state.context, cpu);
  } else if (command === Command.pin) {
    // No hardware: a pin publishes nothing and loads no guest.
    pinVmid(state.context, Atomics.load(slot.words, Word.commandVm));
  } else if (command === Command.unpin) {
    unpinVmid(state.context, Atomics.load(slot.words, Word.commandVm));
  } else {
    throw new Error(`unknown command ${command}`);
  }
  return true;
}

function run(): void {
  const state = { context: freshContext(), run: Atomics.load(slot.words, Word.run) };
  for (;;) {
    try {
      if (!runCommand(state)) return;
    } catch (error) {
      if (!(error instanceof AbandonedRun)) throw error;
      // The test gave up on this run: the operation is unwound (its `finally` too, at its
      // first pause) and the next run starts from a reset memory with a fresh context.
      Atomics.store(slot.words, Word.abandon, 0);
    }
  }
}

try {
  run();
} catch (error) {
  reportFailure(slot, error instanceof Error ? String(error.stack) : String(error));
}
