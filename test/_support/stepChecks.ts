import assert from "node:assert/strict";
import type { Step, StepCheckFactory } from "./replayChecked.js";

/*
 * The checks of the shared property suite, written from docs/allocator.md#invariants and
 * docs/allocator.md#operations, with their own 64-bit arithmetic on bigints: nothing here
 * calls the allocator's id helpers. Messages name the invariant and the event.
 */

/** The seed's encoding, recomputed independently: N, idx, `vmid_gen_match`. */
function encoding(bits: number) {
  const ids = 1n << BigInt(bits);
  return {
    ids,
    idx: (v: bigint): number => Number(v & (ids - 1n)),
    genMatch: (v: bigint, generation: bigint): boolean => (v ^ generation) >> BigInt(bits) === 0n,
  };
}

function where(step: Step): string {
  return `at event #${step.index} ${JSON.stringify(step.event)} (bits ${step.trace.bits}, cpus ${step.trace.cpus})`;
}

/** Invariants 1, 2, 3, 6 and 7 on the state after each event. */
export const invariantChecks: StepCheckFactory = () => (step) => {
  const { trace, before, after, idsAfter, event } = step;
  const { ids, idx, genMatch } = encoding(trace.bits);
  const generation = after.generation;
  const at = where(step);
  assert.ok(generation >= before.generation, `6: generation decreased ${at}`);

  const allocated = new Set(after.allocatedIdx);
  const owners = new Map<bigint, number>();
  for (let vm = 1; vm <= trace.vms; vm++) {
    const id = idsAfter[vm];
    if (id === 0n) continue;
    assert.notEqual(idx(id), 0, `6: VM ${vm} holds id ${id} with idx 0 ${at}`);
    assert.ok(id < generation + ids, `VM ${vm} holds id ${id} of a future generation ${at}`);
    if (!genMatch(id, generation)) continue;
    const other = owners.get(id);
    assert.equal(other, undefined, `1: VMs ${other} and ${vm} both hold current id ${id} ${at}`);
    owners.set(id, vm);
    assert.ok(allocated.has(idx(id)), `2: VM ${vm}'s idx ${idx(id)} is not in the map ${at}`);
  }

  // 2, whole map: a bit is set only by a rollover (for each CPU's reservation, whose idx never
  // changes afterwards) or for a VM's new current id. Before the first rollover no bit is
  // reserved (every reservation is the initial 0, which sets nothing).
  const expected = new Set<number>([...owners.keys()].map(idx));
  if (generation > ids) for (const r of after.reserved) expected.add(idx(r));
  const sorted = [...expected].sort((a, b) => a - b);
  assert.deepEqual(after.allocatedIdx, sorted, `2: map is not reservations + current ids ${at}`);

  // 2, search hint: once the generation allocated fresh (always, after a rollover, whose
  // allocation is fresh), every bit in [1, curIdx] is set.
  assert.ok(after.curIdx >= 1 && after.curIdx < Number(ids), `curIdx ${after.curIdx} ${at}`);
  if (generation > ids || step.allocator.counters.freshAllocations > 0) {
    for (let i = 1; i <= after.curIdx; i++) {
      assert.ok(allocated.has(i), `2: bit ${i} <= curIdx ${after.curIdx} is clear ${at}`);
    }
  }

  for (let cpu = 0; cpu < trace.cpus; cpu++) {
    const active = after.active[cpu];
    const ok = active === 0n || active === ids || genMatch(active, generation);
    assert.ok(ok, `3: active[${cpu}] = ${active} in generation ${generation} ${at}`);
    const r = after.reserved[cpu];
    assert.ok(r === 0n || r === ids || idx(r) !== 0, `reserved[${cpu}] = ${r} has idx 0 ${at}`);
    assert.ok(r < generation + ids, `reserved[${cpu}] = ${r} is from the future ${at}`);
  }

  if (event.kind === "run") {
    const v = step.result ?? -1n;
    assert.equal(after.active[event.cpu], v, `7: active[${event.cpu}] != returned id ${at}`);
    assert.equal(idsAfter[event.vm], v, `7: vmidOf(${event.vm}) != returned id ${at}`);
    assert.ok(genMatch(v, generation), `7: returned id ${v} is not current ${at}`);
  }
};

/**
 * A simple oracle built from the events and the onFlush reports: generations N, 2N, 3N, ...;
 * at most one rollover per event, only on a stale VM's update and only when the map is full
 * from the hint on; no id but the running VM's changes, and a current id never changes; each
 * CPU's active id follows from its last event; the counters agree with what was observed.
 */
export const oracleChecks: StepCheckFactory = () => {
  let runs = 0;
  let renewals = 0;
  let renewalsOfOldIds = 0;
  let renewalsFromReservation = 0;
  return (step) => {
    const { trace, before, after, idsBefore, idsAfter, event, flushes, newFlushes } = step;
    const { ids, idx, genMatch } = encoding(trace.bits);
    const counters = step.allocator.counters;
    const at = where(step);

    assert.ok(newFlushes <= 1, `${newFlushes} rollovers in one event ${at}`);
    for (let k = flushes.length - newFlushes; k < flushes.length; k++) {
      // Rollover k (0-based) moves generation N * (k + 1) to N * (k + 2).
      assert.equal(
        flushes[k],
        ids * BigInt(k + 2),
        `rollover ${k} reported a wrong generation ${at}`,
      );
    }
    assert.equal(after.generation, ids * BigInt(flushes.length + 1), `generation ${at}`);
    assert.equal(counters.rollovers, flushes.length, `counters.rollovers != onFlush calls ${at}`);

    const changed = event.kind === "run" ? event.vm : 0;
    for (let vm = 1; vm <= trace.vms; vm++) {
      if (vm === changed) continue;
      assert.equal(idsAfter[vm], idsBefore[vm], `VM ${vm}'s id changed while it did not run ${at}`);
    }

    if (event.kind === "put") {
      assert.equal(newFlushes, 0, `a put rolled over ${at}`);
    } else {
      runs++;
      const old = idsBefore[event.vm];
      const v = step.result ?? -1n;
      if (genMatch(old, before.generation)) {
        assert.equal(v, old, `a current id changed ${at}`);
        assert.equal(newFlushes, 0, `a current VM's update rolled over ${at}`);
      } else {
        renewals++;
        if (old !== 0n) renewalsOfOldIds++;
        if (old !== 0n && before.reserved.includes(old)) renewalsFromReservation++;
      }
      if (newFlushes === 1) {
        // new_vmid rolls over only when nothing cheaper worked: no reservation held the old
        // id, its idx was taken, and every bit from the hint to N - 1 was set.
        assert.ok(
          !before.reserved.includes(old) || old === 0n,
          `rolled over past a reservation ${at}`,
        );
        if (old !== 0n) assert.ok(before.allocatedIdx.includes(idx(old)), `old idx free ${at}`);
        for (let i = before.curIdx; i < Number(ids); i++) {
          assert.ok(before.allocatedIdx.includes(i), `rolled over with bit ${i} clear ${at}`);
        }
      }
    }
    assert.equal(counters.fastPathHits + counters.slowPathEntries, runs, `path counters ${at}`);
    const allocations = counters.reservedHits + counters.oldIdxReuses + counters.freshAllocations;
    assert.equal(allocations, renewals, `new ids counted != id changes seen ${at}`);
    assert.equal(counters.reservedLookups, renewalsOfOldIds, `reserved lookups ${at}`);
    assert.equal(counters.reservedHits, renewalsFromReservation, `reserved hits ${at}`);

    // Each CPU's active id from its own history: 0 before any event or after a rollover since
    // its last event; INVALID after a put; else the id of the VM it last ran.
    for (let cpu = 0; cpu < trace.cpus; cpu++) {
      const last = step.modelAfter.lastRun[cpu];
      const rolledSince = flushes.length > step.modelAfter.flushesAtLastEvent[cpu];
      const expected = last === -1 || rolledSince ? 0n : last === 0 ? ids : idsAfter[last];
      assert.equal(after.active[cpu], expected, `active[${cpu}] (last ran ${last}) ${at}`);
    }
  };
};

/**
 * Reservations: invariant 4, suspended animation, and "every copy is renewed".
 * - Invariant 4 as stated: a VM whose id was active on some CPU at a rollover into generation G
 *   gets the same idx at its next renewal if that happens in G.
 * - Its stronger form for traces: while some CPU's last event is `run cpu x` (no put since),
 *   every renewal of x keeps its idx, across any number of rollovers (the reservation of an
 *   idle CPU is kept from one rollover to the next: suspended animation).
 * - At a rollover reserved[c] becomes active[c] if non-zero, else keeps its older value.
 * - Otherwise reservations change only when the running VM's stale id is found in them, and
 *   then every copy changes to its new id.
 */
export const reservationChecks: StepCheckFactory = () => {
  const activeAtRollover = new Map<number, { idx: number; flushes: number }>();
  return (step) => {
    const { trace, before, after, idsBefore, event, newFlushes } = step;
    const { ids, idx, genMatch } = encoding(trace.bits);
    const at = where(step);

    if (event.kind === "run") {
      const old = idsBefore[event.vm];
      const v = step.result ?? -1n;
      const renewed = old !== 0n && !genMatch(old, before.generation);
      const promised = activeAtRollover.get(event.vm);
      if (renewed && promised !== undefined && promised.flushes === step.flushes.length) {
        assert.equal(
          idx(v),
          promised.idx,
          `4: VM ${event.vm} active at the rollover lost its idx ${at}`,
        );
      }
      if (renewed) activeAtRollover.delete(event.vm);
      if (renewed && step.modelBefore.lastRun.includes(event.vm)) {
        assert.equal(idx(v), idx(old), `4: VM ${event.vm}, last run on a CPU, lost its idx ${at}`);
      }
    }

    for (let cpu = 0; cpu < trace.cpus; cpu++) {
      const r0 = before.reserved[cpu];
      const r1 = after.reserved[cpu];
      if (newFlushes === 1) {
        const a0 = before.active[cpu];
        const expected = a0 !== 0n ? a0 : r0;
        assert.equal(r1, expected, `reserved[${cpu}] after the rollover (active was ${a0}) ${at}`);
        const vm = step.modelBefore.lastRun[cpu];
        if (a0 !== 0n && a0 !== ids && vm > 0) {
          activeAtRollover.set(vm, { idx: idx(a0), flushes: step.flushes.length });
        }
        continue;
      }
      const old = event.kind === "run" ? idsBefore[event.vm] : 0n;
      const lookedUp = old !== 0n && !genMatch(old, before.generation);
      if (lookedUp && r0 === old) {
        assert.equal(r1, step.result, `reserved[${cpu}] copy of ${old} not renewed ${at}`);
      } else {
        assert.equal(r1, r0, `reserved[${cpu}] changed without a matching lookup ${at}`);
      }
    }
  };
};
