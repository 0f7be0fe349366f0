import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import {
  MAX_TLB_ENTRIES,
  STRESS_DEFAULTS,
  type StressOptions,
  stressCommand,
  validateStressOptions,
} from "../../../src/runtime/StressOptions.js";

const BASE: StressOptions = { ...STRESS_DEFAULTS, seed: 1 };

/** The message validateStressOptions throws for `options` (it must throw a VmidInputError). */
function refusal(options: StressOptions): string {
  try {
    validateStressOptions(options);
  } catch (error) {
    assert.ok(error instanceof VmidInputError, `not a VmidInputError: ${error}`);
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(options)}`);
}

describe("validateStressOptions: the TLB model limit", () => {
  // Proves the limit is cpus x 2^bits <= MAX_TLB_ENTRIES = 2^24, inclusive: 256 CPUs at bits 16
  // is exactly 2^8 x 2^16 = 2^24 entries and accepted; 257 CPUs is 2^24 + 2^16 and refused
  // with a message that offers --no-tlb-model; with tlbModel false the same run is accepted.
  test("256 CPUs at bits 16 fit exactly; 257 need --no-tlb-model", () => {
    assert.equal(MAX_TLB_ENTRIES, 2 ** 24);
    const fits = { ...BASE, bits: 16, cpus: 256, threads: 64 };
    validateStressOptions(fits);
    const over = { ...fits, cpus: 257 };
    assert.match(refusal(over), /cpus x 2\^bits = 16842752 entries, more than 16777216: /);
    assert.match(refusal(over), /--no-tlb-model/);
    validateStressOptions({ ...over, tlbModel: false });
  });

  // Proves every "bits B allows N" hint of the message is a configuration the validator
  // accepts with the TLB model on. The message for 4096 CPUs at bits 13 says "bits 12 allows
  // 4096", but 4096 CPUs need 2^bits - 1 > 4096, i.e. bits >= 13 (bits 12 allows at most 4094
  // CPUs: 2^12 - 1 = 4095 > cpus), so following the hint gives another refusal.
  test("the message's 'bits B allows N CPUs' hints are accepted configurations", () => {
    const message = refusal({ ...BASE, bits: 13, cpus: 4096, vms: 4096, threads: 64 });
    const hints = [...message.matchAll(/bits (\d+) allows (\d+)/g)].map((m) => ({
      bits: Number(m[1]),
      cpus: Number(m[2]),
    }));
    assert.ok(hints.length > 0, `no hint in: ${message}`);
    for (const { bits, cpus } of hints) {
      assert.doesNotThrow(
        () => validateStressOptions({ ...BASE, bits, cpus, vms: cpus, threads: 64 }),
        `hint 'bits ${bits} allows ${cpus}'`,
      );
    }
  });
});

describe("stressCommand: the replay command", () => {
  // Proves the replay command of a generated run carries every option that shapes the run
  // (schedule, strategy, mutant, --no-tlb-model), so running it repeats the schedules.
  test("a generated run's command carries every schedule option", () => {
    const options: StressOptions = {
      ...BASE,
      bits: 6,
      cpus: 5,
      threads: 3,
      vms: 77,
      vcpusPerVm: 4,
      events: 1234,
      putProbability: 0.25,
      seed: 4294967295,
      strategy: "indexed",
      mutant: "no-flush",
      tlbModel: false,
    };
    assert.equal(
      stressCommand(options),
      "vmid stress --bits 6 --cpus 5 --threads 3 --vms 77 --vcpus 4 --events 1234 " +
        "--put-probability 0.25 --strategy indexed --seed 4294967295 --mutant no-flush --no-tlb-model",
    );
  });

  // Proves a trace run's command keeps --no-tlb-model: a trace too wide for the TLB model
  // (e.g. bits 24 and 2 CPUs, 2^25 entries) runs only with --no-tlb-model, so a replay
  // command without it is refused with exit 2.
  test("a trace run's command keeps --no-tlb-model", () => {
    const command = stressCommand({
      ...BASE,
      bits: 24,
      cpus: 2,
      vms: 2,
      events: 4,
      threads: 2,
      tlbModel: false,
      trace: "wide.trace",
    });
    assert.match(command, /^vmid stress --trace wide\.trace /);
    assert.match(command, / --no-tlb-model( |$)/);
  });
});
