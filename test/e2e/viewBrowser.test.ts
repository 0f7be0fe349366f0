import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import type { DecodedState } from "../../src/check/decodeState.js";
import { launchBrowser } from "../_support/launchBrowser.js";
import { openViewPage, waitForStep } from "./_support/openViewPage.js";
import { readPictureState } from "./_support/readPictureState.js";
import { runVmid } from "./_support/runVmid.js";

/** The DOM member the test reads (it compiles without the DOM's types). */
interface Node {
  getAttribute(name: string): string | null;
}

/** What `vmid check --json` prints of a counterexample. */
interface CheckJson {
  readonly verdict: string;
  readonly counterexample: {
    readonly invariant: string;
    readonly initial: DecodedState;
    readonly steps: readonly { cpu: number; action: string; state: DecodedState }[];
  };
}

/**
 * A counterexample for each mutant (the configurations of test/unit/check/explore.test.ts's
 * MUTANT_CASES, which argue each depth) and the speculative-fill one of
 * docs/unique-vmid-per-cpu.md, with the invariant and step count `vmid check` reports for it.
 */
const CASES = [
  {
    name: "no-flush",
    args: ["--cpus", "1", "--vms", "4", "--generations", "2", "--no-puts", "--mutant", "no-flush"],
    invariant: "ReusedIdxFlushed",
    steps: 33,
  },
  {
    name: "xchg-fastpath",
    args: ["--vms", "4", "--generations", "2", "--no-puts", "--mutant", "xchg-fastpath"],
    invariant: "ActiveIsValid",
  },
  {
    name: "no-suspended-animation",
    args: ["--vms", "4", "--no-puts", "--mutant", "no-suspended-animation"],
    invariant: "UpdatePublishes",
  },
  {
    name: "early-exit-reserved",
    args: ["--vms", "4", "--generations", "2", "--no-puts", "--mutant", "early-exit-reserved"],
    invariant: "ReservedIdsKept",
    steps: 45,
  },
  {
    name: "clear-to-zero",
    args: ["--vms", "4", "--generations", "2", "--mutant", "clear-to-zero"],
    invariant: "PutDropsReservation",
    steps: 31,
  },
  {
    name: "no-put-flush",
    args: ["--vms", "4", "--generations", "2", "--flush", "deferred", "--mutant", "no-put-flush"],
    invariant: "UniqueVMIDPerCPU",
    steps: 40,
  },
  {
    name: "speculation",
    args: ["--vms", "4", "--speculation", "--invariant", "UniqueVMIDPerCPU"],
    invariant: "UniqueVMIDPerCPU",
    steps: 41,
  },
] as const;

/** Runs `vmid check ARGS --json --html FILE` once: the JSON and the page of the same run. */
function checkWithPage(args: readonly string[], htmlPath: string): CheckJson {
  const result = runVmid(["check", ...args, "--quiet", "--json", "--html", htmlPath]);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stderr, "");
  const json = JSON.parse(result.stdout) as CheckJson;
  assert.equal(json.verdict, "violated");
  return json;
}

describe("vmid check --html: the page shows every step of each mutant's counterexample as vmid check --json reports it", () => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-browser-"));

  for (const { name, args, invariant, ...expected } of CASES) {
    test(`${name}: vmid check ${args.join(" ")}`, async (t: TestContext) => {
      const browser = await launchBrowser(t);
      t.diagnostic(`pages and screenshots: ${folder}`);
      const htmlPath = join(folder, `${name}.html`);
      const json = checkWithPage(args, htmlPath);
      const { counterexample } = json;
      assert.equal(counterexample.invariant, invariant);
      if ("steps" in expected) assert.equal(counterexample.steps.length, expected.steps);
      const { page, url, problems, requests } = await openViewPage(t, browser, htmlPath);

      // Step 0, then every step with the right arrow key: the picture is the reported state,
      // the hash names the step, and only the last step announces the violation.
      const states = [counterexample.initial, ...counterexample.steps.map((step) => step.state)];
      await page.locator("body").focus();
      for (let step = 0; step < states.length; step++) {
        if (step > 0) await page.keyboard.press("ArrowRight");
        await waitForStep(page, step);
        assert.deepEqual(await readPictureState(page), states[step], `step ${step}`);
        assert.equal(new URL(page.url()).hash, `#step=${step}`);
        const announced = await page
          .locator('[data-part="violation"]')
          .evaluateAll((found) =>
            found.map((node) => (node as unknown as Node).getAttribute("data-invariant")),
          );
        assert.deepEqual(announced, step === states.length - 1 ? [invariant] : [], `step ${step}`);
        if (step > 0) {
          const text = await page.locator("#step-text").textContent();
          const move = counterexample.steps[step - 1];
          assert.ok(text?.startsWith(`Step ${step}: CPU ${move.cpu} ${move.action}`), text ?? "");
        }
      }
      // At the violation, something in the picture is marked offending.
      assert.ok((await page.locator('[data-part="picture"] .offending').count()) > 0);
      await page.screenshot({ path: join(folder, `${name}-last.png`) });

      // Home, End and a click on the timeline move too; a link with a step opens that step.
      await page.keyboard.press("Home");
      await waitForStep(page, 0);
      await page.keyboard.press("End");
      await waitForStep(page, states.length - 1);
      const middle = Math.floor(states.length / 2);
      await page.locator(`#timeline button[data-goto="${middle}"]`).click();
      await waitForStep(page, middle);
      assert.deepEqual(await readPictureState(page), states[middle]);
      const linked = await openViewPage(t, browser, htmlPath, `#step=${middle}`);
      assert.deepEqual(await readPictureState(linked.page), states[middle]);
      assert.equal(await linked.page.locator("body").getAttribute("data-step"), String(middle));

      assert.deepEqual([...problems, ...linked.problems], [], "console errors or page errors");
      assert.deepEqual(requests, [url], "the page loads nothing besides itself");
      assert.deepEqual(linked.requests, [url]);
    });
  }
});
