import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, type TestContext, test } from "node:test";
import type { Page } from "playwright-core";
import type { DecodedState } from "../../src/check/decodeState.js";
import { launchBrowser } from "../_support/launchBrowser.js";
import { openViewPage, waitForStep } from "./_support/openViewPage.js";
import { readPictureState } from "./_support/readPictureState.js";
import { assertOk, runVmid } from "./_support/runVmid.js";

/** A counterexample as `vmid check --json` prints it. */
interface Counterexample {
  readonly invariant: string;
  readonly initial: DecodedState;
  readonly steps: readonly { cpu: number; action: string; state: DecodedState }[];
}

// The no-flush mutant with one CPU: 33 steps to ReusedIdxFlushed (test/unit/check/explore.test.ts
// argues the depth).
const MODEL = [
  "--cpus",
  "1",
  "--vms",
  "4",
  "--generations",
  "2",
  "--no-puts",
  "--mutant",
  "no-flush",
];

function counterexampleOf(args: readonly string[]): Counterexample {
  const result = runVmid(["check", ...args, "--quiet", "--json"]);
  assert.equal(result.status, 1, result.stderr);
  return (JSON.parse(result.stdout) as { counterexample: Counterexample }).counterexample;
}

/** The invariants the page announces as violated now (none or one). */
async function announced(page: Page): Promise<(string | null)[]> {
  return page
    .locator('[data-part="violation"]')
    .evaluateAll((found) =>
      found.map((node) =>
        (node as unknown as { getAttribute(name: string): string | null }).getAttribute(
          "data-invariant",
        ),
      ),
    );
}

/** Clicks the enabled transition of CPU `cpu` doing `action` (exactly one must match). */
async function clickTransition(page: Page, cpu: number, action: string): Promise<void> {
  const button = page.locator(`#transitions button[data-cpu="${cpu}"][data-action="${action}"]`);
  assert.equal(await button.count(), 1, `one transition of CPU ${cpu}: ${action}`);
  await button.click();
}

describe("vmid view: explore mode", () => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-explore-"));

  test("clicking a counterexample's transitions in order reaches its violation, announced at the last step; undo goes back", async (t: TestContext) => {
    t.diagnostic(`pages and screenshots: ${folder}`);
    const counterexample = counterexampleOf(MODEL);
    assert.equal(counterexample.steps.length, 33);
    const htmlPath = join(folder, "explore.html");
    const written = runVmid(["view", ...MODEL, "-o", htmlPath]);
    assertOk(written);
    const browser = await launchBrowser(t);
    const { page, url, problems, requests } = await openViewPage(t, browser, htmlPath);
    assert.equal(await page.locator("body").getAttribute("data-mode"), "explore");
    assert.deepEqual(await readPictureState(page), counterexample.initial);

    for (const [i, step] of counterexample.steps.entries()) {
      assert.deepEqual(await announced(page), [], `no violation before step ${i + 1}`);
      await clickTransition(page, step.cpu, step.action);
      await waitForStep(page, i + 1);
      assert.deepEqual(await readPictureState(page), step.state, `step ${i + 1}`);
    }
    assert.deepEqual(await announced(page), [counterexample.invariant]);
    assert.match(
      (await page.locator("#announce").textContent()) ?? "",
      /Violated: ReusedIdxFlushed/,
    );
    await page.screenshot({ path: join(folder, "explore-violation.png") });

    // The hash holds the path: a link opens the same state.
    const hash = new URL(page.url()).hash;
    assert.match(hash, /^#explore=0&path=(\d+\.){32}\d+&step=33$/);
    const linked = await openViewPage(t, browser, htmlPath, hash);
    assert.deepEqual(await readPictureState(linked.page), counterexample.steps[32].state);
    assert.deepEqual(await announced(linked.page), [counterexample.invariant]);

    // Undo (Backspace, then the button) goes back one step each and drops the step taken.
    await page.keyboard.press("Backspace");
    await waitForStep(page, 32);
    assert.deepEqual(await readPictureState(page), counterexample.steps[31].state);
    assert.deepEqual(await announced(page), []);
    assert.equal(await page.locator("body").getAttribute("data-steps"), "32");
    await page.locator("#undo").click();
    await waitForStep(page, 31);
    assert.deepEqual(await readPictureState(page), counterexample.steps[30].state);
    // Taking the same two transitions again reaches the violation again.
    await clickTransition(page, counterexample.steps[31].cpu, counterexample.steps[31].action);
    await waitForStep(page, 32);
    await clickTransition(page, counterexample.steps[32].cpu, counterexample.steps[32].action);
    await waitForStep(page, 33);
    assert.deepEqual(await announced(page), [counterexample.invariant]);

    assert.deepEqual([...problems, ...linked.problems], [], "console errors or page errors");
    assert.deepEqual(requests, [url]);
  });

  test("vmid check --html: explore from a step of the counterexample, then take its remaining steps", async (t: TestContext) => {
    const htmlPath = join(folder, "counterexample.html");
    const result = runVmid(["check", ...MODEL, "--quiet", "--json", "--html", htmlPath]);
    assert.equal(result.status, 1, result.stderr);
    const counterexample = (JSON.parse(result.stdout) as { counterexample: Counterexample })
      .counterexample;
    const browser = await launchBrowser(t);
    const { page, problems } = await openViewPage(t, browser, htmlPath, "#step=20");
    await waitForStep(page, 20);
    await page.locator("#explore").click();
    await page.locator('body[data-mode="explore"]').waitFor({ state: "attached" });
    assert.equal(await page.locator("body").getAttribute("data-steps"), "20");
    for (const [i, step] of counterexample.steps.slice(20).entries()) {
      await clickTransition(page, step.cpu, step.action);
      await waitForStep(page, 21 + i);
    }
    assert.deepEqual(await readPictureState(page), counterexample.steps[32].state);
    assert.deepEqual(await announced(page), [counterexample.invariant]);
    // Undo stops at the step explore started from.
    for (let i = 0; i < 15; i++) await page.keyboard.press("Backspace");
    await waitForStep(page, 20);
    assert.equal(await page.locator("#undo").isDisabled(), true);
    assert.deepEqual(problems, []);
  });

  test("keyboard only: Enter takes the focused transition and focus stays on the list", async (t: TestContext) => {
    const htmlPath = join(folder, "keyboard.html");
    assertOk(runVmid(["view", ...MODEL, "-o", htmlPath]));
    const browser = await launchBrowser(t);
    const { page, problems } = await openViewPage(t, browser, htmlPath);
    await page.locator("#transitions button").first().focus();
    // The first transition is CPU 0's (the only CPU) update of VM 1, then its readVmid.
    await page.keyboard.press("Enter");
    await waitForStep(page, 1);
    assert.equal(
      await page.locator("#step-text").textContent(),
      "Step 1: CPU 0 update VM 1: cpu0 idle->readVmid, update of vm1",
    );
    assert.equal(
      await page.evaluate(() => {
        const active = (
          globalThis as unknown as {
            document: { activeElement: { getAttribute(name: string): string | null } | null };
          }
        ).document.activeElement;
        return active?.getAttribute("data-action") ?? null;
      }),
      "readVmid",
    );
    await page.keyboard.press("Enter");
    await waitForStep(page, 2);
    assert.match(
      (await page.locator("#step-text").textContent()) ?? "",
      /^Step 2: CPU 0 readVmid: cpu0 readVmid->readActive/,
    );
    assert.deepEqual(problems, []);
  });
});
