import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import { initialState, modelLayout } from "../../../src/check/ModelLayout.js";
import { maxRenamedGeneration } from "../../../src/check/renameGenerations.js";
import { StatePacker } from "../../../src/check/StatePacker.js";
import { seeded } from "../../_support/seeded.js";
import { layoutShape } from "./_support/layoutShape.js";
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

describe("StatePacker: the compiled pack and unpack follow the documented format", () => {
  // The format (StatePacker.widths): each field, plus its offset, in its width, fields one
  // after the other from bit 0. A BigInt built field by field is that format, independently
  // of the generated code's word boundaries and straddling fields; every layout shape the
  // checker accepts is drawn (1-4 CPUs, 1-8 VMs, 1-4 bits with V x 2^bits <= 31, pins).
  const shape = fc
    .tuple(layoutShape(), fc.boolean())
    .map(([layout, pins]) => ({ ...layout, pins }));
  const seed = 7411;
  test(`random field values in every layout shape (seed ${seed})`, () => {
    fc.assert(
      fc.property(shape, fc.infiniteStream(fc.nat()), ({ cpus, vms, bits, pins }, draws) => {
        const layout = modelLayout(cpus, vms, bits, undefined, pins);
        const packer = new StatePacker(layout, maxRenamedGeneration(layout));
        const state = new Int32Array(layout.length);
        let expected = 0n;
        let at = 0n;
        const values = draws[Symbol.iterator]();
        for (let field = 0; field < packer.widths.length; field++) {
          const width = packer.widths[field];
          const stored = values.next().value % 2 ** width;
          state[field] = stored - packer.offsets[field];
          expected |= BigInt(stored) << at;
          at += BigInt(width);
        }
        const packed = new Uint32Array(packer.words);
        packer.pack(state, packed);
        let actual = 0n;
        for (let w = packed.length - 1; w >= 0; w--) actual = (actual << 32n) | BigInt(packed[w]);
        assert.equal(actual, expected);
        const back = new Int32Array(layout.length).fill(-1);
        packer.unpack(packed, 0, back);
        assert.deepEqual(back, state);
      }),
      seeded(seed, 300),
    );
  });
});
