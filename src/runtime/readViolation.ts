import {
  RING_EVENTS,
  RingField,
  RingKind,
  type RuntimeLayout,
  ViolationField,
} from "./runtimeLayout.js";
import {
  type CpuEvent,
  VIOLATION_KIND_NAMES,
  VIOLATION_KINDS,
  type ViolationReport,
} from "./Violation.js";

const KIND_NAMES: Record<number, CpuEvent["kind"]> = {
  [RingKind.run]: "run",
  [RingKind.put]: "put",
  [RingKind.flush]: "flush",
};

/** A CPU's ring buffer, oldest event first. */
function recentEvents(buffer: SharedArrayBuffer, layout: RuntimeLayout, cpu: number): CpuEvent[] {
  const words = new Int32Array(buffer, 0, layout.int32Length);
  const big = new BigInt64Array(buffer, layout.bigBase, layout.bigLength);
  const found: CpuEvent[] = [];
  for (let i = 0; i < RING_EVENTS; i++) {
    const entry = cpu * RING_EVENTS + i;
    const base = layout.ringBase + entry * RingField.count;
    const sequence = Atomics.load(words, base + RingField.sequence);
    if (sequence === 0) continue;
    const kind = KIND_NAMES[Atomics.load(words, base + RingField.kind)] ?? "run";
    const id = Atomics.load(big, layout.ringIdBase + entry);
    found.push({
      sequence,
      kind,
      vm: Atomics.load(words, base + RingField.vm),
      id: kind === "put" ? "" : id.toString(16),
    });
  }
  return found.sort((a, b) => a.sequence - b.sequence);
}

/** The violation the run recorded, if any, with the recent events of the CPUs involved. */
export function readViolation(
  buffer: SharedArrayBuffer,
  layout: RuntimeLayout,
  _bits: number,
  afterUpdates: number,
): ViolationReport | undefined {
  const words = new Int32Array(buffer, 0, layout.int32Length);
  const field = (name: keyof typeof ViolationField) =>
    Atomics.load(words, layout.violationBase + ViolationField[name]);
  const code = field("kind");
  if (code <= 0) return undefined;
  const kind = VIOLATION_KIND_NAMES[code - 1];
  const cpu = field("cpu");
  const otherCpu = field("otherCpu");
  const events: Record<number, CpuEvent[]> = { [cpu]: recentEvents(buffer, layout, cpu) };
  if (otherCpu >= 0) events[otherCpu] = recentEvents(buffer, layout, otherCpu);
  return {
    kind,
    description: VIOLATION_KINDS[kind],
    cpu,
    otherCpu,
    vm: field("vm"),
    otherVm: field("otherVm"),
    idx: field("idx"),
    afterUpdates,
    recentEvents: events,
  };
}
