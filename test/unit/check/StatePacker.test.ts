import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import { initialState } from "../../../src/check/ModelLayout.js";
import { StatePacker } from "../../../src/check/StatePacker.js";
import { seeded } from "../../_support/seeded.js";
import { allSuccessors, trackingStepModel } from "./_support/modelDriver.js";

/**
 * Raw states (no renaming) are packed here, so the walks are bounded: a packer holds the
 * generations up to its bound (3 unless a configuration names another).
 */
const BOUND = 3;

describe("StatePacker: unpack(pack(s)) is s for reachable states", () => {
  // Random walks through the step model (unbiased choices, as in explore.test.ts), in
  // configurations whose fields reach high values: 4 VMs (rollovers up to the generation
  // bound), speculation (full TLB words), the deferred policy (flush marks), 3 CPUs on 3-bit
  // ids (wider ids and more CPU words).
  const configs: Partial<CheckOptions>[] = [
    { vms: 4, speculation: true },
    { vms: 4, flush: "deferred", speculation: true, generations: 5 },
    { cpus: 3, vms: 3, bits: 3, speculation: true },
  ];
  for (const [i, overrides] of configs.entries()) {
    const config: CheckOptions = { ...CHECK_DEFAULTS, ...overrides };
    const model = trackingStepModel(config, config.generations ?? BOUND);
    const packer = new StatePacker(model.layout, model.generations);
    const choice = fc.noBias(fc.nat({ max: 1023 }));
    const seed = 7401 + i;
    test(`${JSON.stringify(overrides)} (seed ${seed})`, () => {
      fc.assert(
        fc.property(fc.array(choice, { maxLength: 300, size: "max" }), (choices) => {
          // Every state of the walk, packed at an offset in a larger buffer and read back.
          const words = new Uint32Array(3 * packer.words);
          const back = new Int32Array(model.layout.length);
          let state = initialState(model.layout);
          for (const c of choices) {
            words.fill(0xffffffff);
            const packed = new Uint32Array(packer.words);
            packer.pack(state, packed);
            words.set(packed, packer.words);
            packer.unpack(words, packer.words, back);
            assert.deepEqual(back, state);
            const next = allSuccessors(model, state);
            if (next.length === 0) break;
            state = next[c % next.length].next;
          }
        }),
        seeded(seed, 200),
      );
    });
  }
});
