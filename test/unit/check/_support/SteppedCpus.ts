import { Worker } from "node:worker_threads";
import type { FlushPolicy } from "../../../../src/core/FlushPolicy.js";
import type { IdSpaceOptions } from "../../../../src/core/IdSpace.js";
import type { MutantName } from "../../../../src/core/Mutant.js";
import type { StrategyName } from "../../../../src/core/strategies/ReservedLookup.js";
import { createSharedMemory, type SharedMemory } from "../../../../src/mem/sharedMemory.js";
import {
  type ControlBuffers,
  type ControlSlot,
  controlSlot,
  createControlBuffers,
  describeLabel,
  labelOf,
  Op,
  STEP_TIMEOUT_MS,
  type SteppedCpuInput,
  Word,
} from "./steppedCpu.js";

/** What a CPU's worker reported at the pause it reached. */
export interface Arrival {
  readonly label: number;
  readonly arg: number;
  readonly value0: bigint;
  readonly value1: bigint;
}

/** The configuration the CPUs run. */
export interface SteppedConfig {
  readonly bits: number;
  /** The allocator and KPTI (the VMID allocator by default). */
  readonly space?: IdSpaceOptions;
  readonly cpus: number;
  readonly vms: number;
  readonly strategy: StrategyName;
  readonly mutant: MutantName | undefined;
  readonly flush: FlushPolicy;
}

/**
 * The test thread's side of steppedCpu.ts: one worker per CPU over one shared memory, each
 * moved from one pause to the next by `advance`. Synchronous once `started()` resolved.
 */
export class SteppedCpus {
  /** This thread's view of the allocator's shared memory (read between steps). */
  readonly memory: SharedMemory;
  /** The hardware replica the workers drive (see ControlBuffers.hardware). */
  readonly hardware: Int32Array;
  private readonly buffers: ControlBuffers;
  private readonly slots: ControlSlot[] = [];
  private readonly workers: Worker[] = [];
  private readonly pristine: Uint8Array;
  private readonly errors: string[] = [];

  constructor(readonly config: SteppedConfig) {
    this.memory = createSharedMemory(config.bits, config.cpus, config.vms, config.space);
    this.pristine = new Uint8Array(this.memory.buffer).slice();
    this.buffers = createControlBuffers();
    this.hardware = new Int32Array(this.buffers.hardware);
    for (let cpu = 0; cpu < config.cpus; cpu++) {
      this.slots.push(controlSlot(this.buffers, cpu));
      const workerData: SteppedCpuInput = {
        cpu,
        buffers: this.buffers,
        memoryBuffer: this.memory.buffer,
        layout: this.memory.layout,
        strategy: config.strategy,
        mutant: config.mutant,
        flush: config.flush,
      };
      const worker = new Worker(new URL("./steppedCpuWorker.js", import.meta.url), { workerData });
      worker.on("error", (error) => this.errors.push(`cpu ${cpu}: ${error.stack}`));
      this.workers.push(worker);
    }
  }

  /** Resolves when every worker waits at `idle` for its first operation. */
  async started(): Promise<void> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (const [cpu, slot] of this.slots.entries()) {
      while (Atomics.load(slot.words, Word.arrived) === 0) {
        if (this.errors.length > 0) throw new Error(this.errors.join("\n"));
        if (Date.now() > deadline) throw new Error(`cpu ${cpu}'s worker did not start`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      this.expectIdle(cpu);
    }
  }

  /** The pause `cpu` is at. */
  at(cpu: number): Arrival {
    const { words, values } = this.slots[cpu];
    return {
      label: Atomics.load(words, Word.label),
      arg: Atomics.load(words, Word.arg),
      value0: values[0],
      value1: values[1],
    };
  }

  /** Whether every CPU waits at `idle`. */
  allIdle(): boolean {
    return this.slots.every((_, cpu) => this.at(cpu).label === labelOf(Op.idle, false));
  }

  /**
   * A fresh run: the memory back to its initial state, empty TLBs, and fresh allocator
   * contexts (each worker makes one when it next leaves `idle`). Every CPU must be idle.
   */
  reset(): void {
    for (let cpu = 0; cpu < this.config.cpus; cpu++) this.expectIdle(cpu);
    new Uint8Array(this.memory.buffer).set(this.pristine);
    this.hardware.fill(0);
    for (const slot of this.slots) Atomics.add(slot.words, Word.run, 1);
  }

  /** Hands `cpu` (at `idle`) an operation; it starts it at the next `advance`. */
  command(cpu: number, command: number, vm = 0): void {
    this.expectIdle(cpu);
    const { words } = this.slots[cpu];
    Atomics.store(words, Word.command, command);
    Atomics.store(words, Word.commandVm, vm);
  }

  /** Releases `cpu` from its pause and waits until it reaches the next; returns that. */
  advance(cpu: number): Arrival {
    const { words } = this.slots[cpu];
    const arrived = Atomics.load(words, Word.arrived);
    Atomics.store(words, Word.released, arrived);
    Atomics.notify(words, Word.released);
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (Atomics.load(words, Word.arrived) === arrived) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const where = describeLabel(this.at(cpu).label, this.at(cpu).arg);
        throw new Error(
          `cpu ${cpu} released at ${where} reached no pause in ${STEP_TIMEOUT_MS} ms`,
        );
      }
      Atomics.wait(words, Word.arrived, arrived, remaining);
    }
    const reached = this.at(cpu);
    if (reached.label === labelOf(Op.failed, false)) {
      const end = this.slots[cpu].text.indexOf(0);
      const text = new TextDecoder().decode(this.slots[cpu].text.slice(0, end));
      throw new Error(`cpu ${cpu}'s worker failed: ${text}`);
    }
    return reached;
  }

  /**
   * Unwinds every CPU that is mid-operation (a failed run) back to `idle`; false when one
   * does not get there (e.g. it is blocked in the lock), and the workers must be replaced.
   */
  abandonRun(): boolean {
    for (let cpu = 0; cpu < this.config.cpus; cpu++) {
      if (this.at(cpu).label === labelOf(Op.idle, false)) continue;
      Atomics.store(this.slots[cpu].words, Word.abandon, 1);
      try {
        if (this.advance(cpu).label !== labelOf(Op.idle, false)) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Stops every worker. */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private expectIdle(cpu: number): void {
    const { label, arg } = this.at(cpu);
    if (label !== labelOf(Op.idle, false)) {
      throw new Error(`cpu ${cpu} is at ${describeLabel(label, arg)}, not idle`);
    }
  }
}
