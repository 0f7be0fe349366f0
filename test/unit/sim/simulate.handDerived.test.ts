import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PolicyMetrics, SimOptions, SimResult } from "../../../src/sim/SimOptions.js";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";

/*
 * Workloads whose every count follows from the model's rules, whatever the PRNG draws.
 * Each expected number carries its derivation. Rules used (see simulate's TSDoc):
 * - at time 0 CPUs 0, 1, ... act first, in order; a slice is one action of one CPU;
 * - a CPU picks a VM, then one of its vCPUs no other CPU runs; the same vCPU in the same
 *   context continues (no put, no update);
 * - churn runs before the pick; a destroyed VM's running vCPU is descheduled (put if `put`);
 * - an update is a slow path iff the CPU's active id is 0 or the VM's id is not current.
 */

function options(override: Partial<SimOptions>): SimOptions {
  return { ...SIM_DEFAULTS, churn: 0, nested: false, sliceUs: 1000, ...override };
}

/** The metrics of every policy (6 by default), which must agree on everything checked. */
function eachPolicy(result: SimResult, check: (metrics: PolicyMetrics, label: string) => void) {
  assert.equal(result.policies.length, 6);
  for (const { policy, metrics } of result.policies) {
    check(metrics, `${policy.strategy}/${policy.flush}`);
  }
}

describe("simulate: hand-derived workloads", () => {
  for (const put of [true, false]) {
    test(`1 CPU, 1 VM, 1 vCPU, put ${put} (seed 3): one slow path, then the vCPU continues`, () => {
      const result = simulate(
        options({
          seed: 3,
          cpus: 1,
          bits: 8,
          vms: 1,
          vcpusPerVm: 1,
          slices: 1000,
          put,
          sampleEvery: 1,
        }),
      );
      // Slice 1 loads the only vCPU; slices 2..1000 pick it again on the same CPU: continue.
      assert.deepEqual(
        { ...result.workload, simulatedMs: 0 },
        {
          updates: 1,
          puts: 0, // never descheduled
          idleSlices: 0,
          vmsCreated: 0,
          vmsDestroyed: 0,
          contextsRun: 1,
          simulatedMs: 0,
        },
      );
      // 1000 slices of [0.5, 1.5) x 1000 us on one CPU: [500, 1500) ms.
      assert.ok(result.workload.simulatedMs >= 500 && result.workload.simulatedMs < 1500);
      assert.equal(result.idsIdentical, true);
      eachPolicy(result, (m, label) => {
        // The one update: active[0] is 0 -> slow path; a new VM: no reserved lookup; the
        // search from curIdx 1 finds idx 1 in word 0 (1 word).
        assert.equal(m.updates, 1, label);
        assert.equal(m.fastPathHits, 0, label);
        assert.equal(m.slowPathEntries, 1, label);
        assert.equal(m.reservedLookups, 0, label);
        assert.equal(m.rollovers, 0, label);
        assert.equal(m.bitmapWordsSearched, 1, label);
        assert.equal(m.cpusFlushed, 0, label);
        // lockOps = 1 slow path + 0 visited + 1 word + 0 rollovers
        assert.equal(m.lockOps, 2, label);
        assert.equal(m.lockOpsPerSlowPath, 2, label);
        assert.equal(m.fastPathPercent, 0, label);
        // sampleEvery 1: the one slow path is timed.
        assert.equal(m.slowPathSamples, 1, label);
      });
    });
  }

  test("4 CPUs, 1 VM with 4 vCPUs (seed 5): each CPU loads one vCPU once, then all continue", () => {
    const result = simulate(
      options({ seed: 5, cpus: 4, bits: 8, vms: 1, vcpusPerVm: 4, slices: 2000, put: true }),
    );
    // CPUs 0..3 act first (time 0): each finds at least one free vCPU and loads it (4
    // updates). Afterwards a CPU's only candidate is its own vCPU (the 3 others run
    // elsewhere): it continues. No put, no idle slice; one context (VM 1).
    assert.equal(result.workload.updates, 4);
    assert.equal(result.workload.puts, 0);
    assert.equal(result.workload.idleSlices, 0);
    assert.equal(result.workload.contextsRun, 1);
    eachPolicy(result, (m, label) => {
      // Each CPU's first update finds active 0: 4 slow paths. Only the first allocates
      // (a new VM: search from 1 -> idx 1, 1 word); the 3 others find the id current.
      assert.equal(m.slowPathEntries, 4, label);
      assert.equal(m.fastPathHits, 0, label);
      assert.equal(m.bitmapWordsSearched, 1, label);
      assert.equal(m.lockOps, 4 + 1, label);
      assert.equal(m.lockOpsPerSlowPath, 5 / 4, label);
    });
  });

  test("2 CPUs, 1 VM, 1 vCPU (seed 9): CPU 1 never finds a free vCPU and idles", () => {
    const result = simulate(
      options({ seed: 9, cpus: 2, bits: 8, vms: 1, vcpusPerVm: 1, slices: 1000 }),
    );
    // CPU 0 loads the vCPU at time 0 and keeps it (its own vCPU stays its candidate); CPU 1
    // draws the VM 8 times, finds its vCPU on CPU 0 each time, and idles, every slice.
    assert.equal(result.workload.updates, 1);
    assert.equal(result.workload.puts, 0);
    // idleSlices = CPU 1's slices. Both CPUs draw i.i.d. slices of mean 1000 us (sd 289 us),
    // so each gets about half of the 1000: sd of the split is about 6.5 slices; 450..550 is
    // over 7 sd.
    assert.ok(
      result.workload.idleSlices >= 450 && result.workload.idleSlices <= 550,
      `idleSlices ${result.workload.idleSlices}`,
    );
  });

  /*
   * 1 CPU, bits 2 (ids 1..3), 1 VM slot, churn 1000: at every slice the slot's VM is
   * replaced (exactly 1 replacement per slice, no draw) and the CPU, now idle, loads the new
   * VM's only vCPU: every update is of a never-run context, a fresh allocation.
   * Slice 1 destroys VM 1 before it ran (no put); slices 2..100 each destroy the VM running
   * on CPU 0 (a put when `put`). So updates = 100, puts = 99 with put, 0 without.
   *
   * put on: at each rollover active[0] is INVALID (the put came just before), so CPU 0
   * reserves idx 0. Generation 4: u1 -> 1, u2 -> 2, u3 -> 3 (curIdx 3); u4: [3, 4) is full
   * -> rollover, reserve 0, u4 -> 1, u5 -> 2, u6 -> 3, u7 -> rollover, ... Rollovers at u4,
   * u7, ..., u100: (100 - 4) / 3 + 1 = 33.
   * put off: active[0] holds the previous VM's id. u1..u3 -> 1, 2, 3; u4 rollover reserves 3
   * (u3's), u4 -> 1, u5 -> 2; u6: [2, 4) full -> rollover reserves 2 (u5's), u6 -> 1, u7 -> 3;
   * u8: [3, 4) full -> rollover reserves 3, u8 -> 1, u9 -> 2; u10 rollover reserves 2 ...
   * Rollovers at every even update from u4: 4, 6, ..., 100: 49.
   * Every update searches once from curIdx (1..3 < 4: 1 word, the bitmap is one word), plus
   * once more after a rollover: bitmapWordsSearched = 100 + rollovers.
   * lockOps = 100 slow paths + 0 visited + words + rollovers x (ceil(4/32) + 1 CPU).
   * Flushes: broadcast: one per rollover, 1 CPU each. deferred: the rollover marks CPU 0
   * and the same slow path flushes it: localFlushes = rollovers.
   * Nested changes nothing: the new VM's contexts (own or shadow) are all new as well.
   */
  for (const [put, rollovers, puts] of [
    [true, 33, 99],
    [false, 49, 0],
  ] as const) {
    for (const nested of [false, true]) {
      test(`1 CPU, bits 2, churn 1000, put ${put}, nested ${nested} (seed 11): every update allocates fresh`, () => {
        const result = simulate(
          options({
            seed: 11,
            cpus: 1,
            bits: 2,
            vms: 1,
            vcpusPerVm: 1,
            slices: 100,
            churn: 1000,
            put,
            nested,
          }),
        );
        assert.equal(result.idsIdentical, true);
        assert.deepEqual(
          { ...result.workload, simulatedMs: 0 },
          {
            updates: 100,
            puts,
            idleSlices: 0,
            vmsCreated: 100,
            vmsDestroyed: 100,
            contextsRun: 100,
            simulatedMs: 0,
          },
        );
        eachPolicy(result, (m, label) => {
          const words = 100 + rollovers;
          const expected: Partial<PolicyMetrics> = {
            updates: 100,
            fastPathHits: 0,
            slowPathEntries: 100,
            rollovers,
            rolloversPerMillionUpdates: (rollovers / 100) * 1e6,
            reservedHits: 0,
            reservedLookups: 0,
            reservedCpusVisited: 0,
            reservedCpusVisitedMax: 0,
            countedSkips: 0,
            bitmapWordsSearched: words,
            broadcastFlushes: label.endsWith("broadcast") ? rollovers : 0,
            localFlushes: label.endsWith("deferred") ? rollovers : 0,
            cpusFlushed: rollovers,
            lockOps: 100 + words + rollovers * 2,
          };
          const got = Object.fromEntries(
            Object.keys(expected).map((key) => [key, m[key as keyof PolicyMetrics]]),
          );
          assert.deepEqual(got, expected, label);
        });
      });
    }
  }

  for (const put of [true, false]) {
    test(`1 CPU, 1 VM, 1 vCPU, nested, put ${put} (seed 13): 3 contexts, one slow path each`, () => {
      const result = simulate(
        options({
          seed: 13,
          cpus: 1,
          bits: 8,
          vms: 1,
          vcpusPerVm: 1,
          slices: 2000,
          nested: true,
          put,
        }),
      );
      const { updates, puts, contextsRun } = result.workload;
      // The VM's own context and its vCPU's 2 shadow ones, drawn with probability 1/2, 1/4,
      // 1/4 each slice: all 3 run (P(one never drawn in 2000 slices) < 2 x (3/4)^2000).
      assert.equal(contextsRun, 3);
      // A slice switches when the drawn context differs from the running one: probability
      // 1 - (1/4 + 1/16 + 1/16) = 5/8 at stationarity, so about 1250 of 1999 slices (sd
      // about 22): 1150..1350.
      assert.ok(updates >= 1150 && updates <= 1350, `updates ${updates}`);
      // Every update but the first deschedules the running context on the same CPU.
      assert.equal(puts, put ? updates - 1 : 0);
      eachPolicy(result, (m, label) => {
        // Slow paths: the first update (active 0) and each context's first run (id 0); the
        // rest find a non-zero active (INVALID or the previous id) and a current id (3
        // contexts never fill 255 ids: no rollover).
        assert.equal(m.slowPathEntries, 3, label);
        assert.equal(m.fastPathHits, updates - 3, label);
        assert.equal(m.rollovers, 0, label);
      });
    });
  }

  /*
   * Pinned ids: 1 CPU, bits 2 (maxPinned 4 - 1 - 2 = 1), 1 VM of 1 vCPU pinned, churn 1000
   * (each slice replaces the VM; its pin passes to the new one), no put, 6 slices.
   * Time 0: VM 1's context is pinned: new_vmid, fresh idx 1 (id 5), pinned map {1}.
   * Slice 1: churn: unpin 1, pin 2: fresh from curIdx 1, bit 1 set (5 is current): idx 2 (6).
   *   update(2): active[0] = 0: slow path; 6 is current: published.
   * Slice 2: the running vCPU is descheduled (no put: active[0] stays 6); unpin 2, pin 3:
   *   idx 3 (7). update(3): active 6 non-zero, 7 current: fast path.
   * Slice 3: unpin 3, pin 4: nothing clear from curIdx 3: rollover (bitmap = pinned map {},
   *   CPU 0's active 7 reserves idx 3), then idx 1 (9). update(4): active 0: slow path.
   * Slice 4: unpin 4, pin 5: from curIdx 1, bits 1 and 3 set: idx 2 (a). update: fast path.
   * Slice 5: unpin 5, pin 6: from curIdx 2: 2, 3 set: rollover (CPU 0 reserves a: idx 2),
   *   then idx 1 (d). update: slow path.
   * Slice 6: unpin 6, pin 7: from curIdx 1: idx 3 (f). update: fast path.
   * So 6 updates, 3 fast and 3 slow, 2 rollovers (both inside pins); 7 contexts got an id
   * (VM 1's by its pin only), 6 replaced.
   */
  test("1 CPU, bits 2, 1 pinned VM replaced every slice, no put (seed 17): pins allocate and roll over", () => {
    const result = simulate(
      options({
        seed: 17,
        cpus: 1,
        bits: 2,
        vms: 1,
        vcpusPerVm: 1,
        slices: 6,
        churn: 1000,
        put: false,
        pinned: 1,
      }),
    );
    assert.equal(result.idsIdentical, true);
    assert.equal(result.workload.updates, 6);
    assert.equal(result.workload.contextsRun, 7);
    assert.equal(result.workload.vmsDestroyed, 6);
    eachPolicy(result, (m, label) => {
      assert.deepEqual(
        { fast: m.fastPathHits, slow: m.slowPathEntries, rollovers: m.rollovers },
        { fast: 3, slow: 3, rollovers: 2 },
        label,
      );
    });
  });
});
