/**
 * A worker thread of `vmid stress`: hosts some logical CPUs and runs their schedules against
 * the shared allocator, entering guests through the guest-side model. It switches between
 * its CPUs only between events, as the kernel calls update with preemption off. Uncaught
 * errors reach the coordinator as the worker's 'error' event; the activity words say what
 * it was doing.
 */
import { parentPort, workerData } from "node:worker_threads";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { createAllocatorOver } from "../core/createAllocator.js";
import { sharedMemoryView } from "../mem/sharedMemory.js";
import { GuestModel } from "./GuestModel.js";
import { WorkerActivity, WorkerField } from "./runtimeLayout.js";
import type { StressWorkerData, StressWorkerDone } from "./StressWorkerData.js";

const data = workerData as StressWorkerData;
const { options, layout } = data;
const memory = sharedMemoryView(data.allocatorBuffer, data.allocatorLayout, {
  sampleLockEvery: options.sampleLockEvery,
});
const model = new GuestModel(
  data.runtimeBuffer,
  layout,
  options.bits,
  options.cpus,
  options.vcpusPerVm,
  options.tlbModel,
);
let currentCpu = -1;
const allocator = createAllocatorOver(memory, {
  strategy: options.strategy,
  mutant: options.mutant,
  onFlush: (generation) => model.flush(currentCpu, generation),
  // The ASID allocator's deferred flush: the CPU empties its own TLB in its slow path.
  onLocalFlush: (cpu) => model.localFlush(cpu),
});
const words = new Int32Array(data.runtimeBuffer, 0, layout.int32Length);
const vcpuSlots = options.vms * options.vcpusPerVm;
const vcpuOwners = words.subarray(layout.vcpuOwnerBase, layout.vcpuOwnerBase + vcpuSlots);
const mine = layout.workerBase + data.workerIndex * layout.workerStride;

const cpus = data.cpus;
const generators = data.rngStates.map((state) => xoroshiro128plusFromState(state));
const remaining = data.eventsPerCpu.slice();
const traceEvents = data.traceEvents;
/** Per hosted CPU, the next trace event to run. */
const traceNext = cpus.map(() => 0);
/** The vCPU slot each of my CPUs holds, -1 for none (always -1 when replaying a trace). */
const heldSlot = cpus.map(() => -1);
/** Whether each of my CPUs is in a guest (entered, not yet left for a put or an update). */
const inGuest = cpus.map(() => false);
/** Chance that an event pins or unpins (0: the schedules draw nothing for pins). */
const pinProbability = options.pinProbability ?? 0;
/** Per hosted CPU, the pins it holds: the VM and its idx when the pin was taken. */
const heldPins = cpus.map((): { vm: number; idx: number }[] => []);
const idxMask = (1n << BigInt(options.bits)) - 1n;

/**
 * (e) Every pin CPU `cpu` holds: the VM's idx is still the one it had when pinned (the pin
 * has not been dropped, so the idx must not have moved). Returns true on a violation.
 */
function pinsMoved(local: number, cpu: number): boolean {
  for (const { vm, idx } of heldPins[local]) {
    if (model.checkPinned(cpu, vm, idx, memory.loadVmId(vm)) !== undefined) return true;
  }
  return false;
}

/**
 * A pin event: with chance 1/2, when the CPU holds pins, drop one of them (uniformly),
 * checking its idx first; else pin a VM drawn uniformly (a pin refused at maxPinned is
 * counted by the allocator and changes nothing). Returns true on a violation.
 */
function pinEvent(local: number, cpu: number, rng: (typeof generators)[number]): boolean {
  const held = heldPins[local];
  if (held.length > 0 && uniformFloat64(rng) < 0.5) {
    const at = uniformInt(rng, 0, held.length - 1);
    const { vm } = held[at];
    setActivity(WorkerActivity.pin, cpu, vm);
    if (pinsMoved(local, cpu)) return true;
    held[at] = held[held.length - 1];
    held.pop();
    allocator.unpin(vm);
    return false;
  }
  const vm = uniformInt(rng, 1, options.vms);
  setActivity(WorkerActivity.pin, cpu, vm);
  const result = allocator.pin(vm);
  if (result.pinned) held.push({ vm, idx: Number(result.id & idxMask) });
  return false;
}

function setActivity(activity: number, cpu: number, vm: number): void {
  Atomics.store(words, mine + WorkerField.activity, activity);
  Atomics.store(words, mine + WorkerField.cpu, cpu);
  Atomics.store(words, mine + WorkerField.vm, vm);
}

/** Leaves the guest and gives the vCPU back. */
function release(local: number, cpu: number): void {
  model.exitGuest(cpu);
  inGuest[local] = false;
  const slot = heldSlot[local];
  if (slot >= 0) Atomics.store(vcpuOwners, slot, 0);
  heldSlot[local] = -1;
}

/**
 * Claims a free vCPU of `vm`, or of the next VMs in order when all of its vCPUs run on other
 * CPUs (there is always one: vms x vcpus >= cpus and this CPU holds none). Returns the VM.
 */
function claimVcpu(local: number, cpu: number, wanted: number): number {
  let vm = wanted;
  for (let tries = 0; tries < options.vms; tries++) {
    const first = (vm - 1) * options.vcpusPerVm;
    for (let k = 0; k < options.vcpusPerVm; k++) {
      // Compare-exchange from free: two CPUs after the same vCPU, only one gets it.
      if (Atomics.compareExchange(vcpuOwners, first + k, 0, cpu + 1) === 0) {
        heldSlot[local] = first + k;
        return vm;
      }
    }
    vm = (vm % options.vms) + 1;
  }
  throw new Error(`internal error: no free vCPU for cpu ${cpu}`);
}

let stopped = false;
let events = 0;
let runs = 0;
let live = cpus.filter((_, local) => remaining[local] > 0).length;
outer: while (live > 0) {
  for (let local = 0; local < cpus.length; local++) {
    if (remaining[local] === 0) continue;
    if (model.stopRequested()) {
      stopped = true;
      break outer;
    }
    const cpu = cpus[local];
    currentCpu = cpu;
    const rng = generators[local];
    if (inGuest[local]) {
      setActivity(WorkerActivity.refill, cpu, 0);
      if (model.refill(cpu) !== undefined) break outer;
    }
    if (heldPins[local].length > 0 && pinsMoved(local, cpu)) break outer;
    // The next event: from the trace (VM, or 0 for a put), or drawn from the CPU's stream;
    // with pins, first the draw of a pin event (-1).
    let next: number;
    if (traceEvents !== undefined) next = traceEvents[local][traceNext[local]++];
    else if (pinProbability > 0 && uniformFloat64(rng) < pinProbability) next = -1;
    else if (inGuest[local] && uniformFloat64(rng) < options.putProbability) next = 0;
    else next = uniformInt(rng, 1, options.vms);
    if (next === -1) {
      if (pinEvent(local, cpu, rng)) break outer;
    } else if (next === 0) {
      setActivity(WorkerActivity.put, cpu, 0);
      release(local, cpu);
      allocator.clearActive(cpu);
      model.recordPut(cpu);
    } else {
      release(local, cpu);
      // A trace says which VM runs; generated schedules need a free vCPU of it.
      const vm = traceEvents === undefined ? claimVcpu(local, cpu, next) : next;
      setActivity(WorkerActivity.update, cpu, vm);
      const id = allocator.updateRaw(cpu, vm);
      setActivity(WorkerActivity.guestEntry, cpu, vm);
      runs++;
      Atomics.add(words, mine + WorkerField.runs, 1);
      const owners = traceEvents === undefined ? vcpuOwners : undefined;
      inGuest[local] = true;
      if (model.enterGuest(cpu, vm, id, memory, owners) !== undefined) break outer;
    }
    events++;
    Atomics.add(words, mine + WorkerField.events, 1);
    if (--remaining[local] === 0) live--;
    if (data.injectFault !== undefined && events === 100) {
      if (data.injectFault === "crash") throw new Error("injected crash (--inject-fault crash)");
      for (;;) {
        // injected hang (--inject-fault hang): spin without progress until terminated
      }
    }
  }
}

setActivity(
  stopped || model.stopRequested() ? WorkerActivity.stopped : WorkerActivity.finished,
  -1,
  0,
);
const done: StressWorkerDone = {
  type: "done",
  events,
  runs,
  counters: { ...allocator.counters },
  lockHoldSamplesNs: memory.lockHoldSamples(),
};
parentPort?.postMessage(done);
