import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { launchBrowser } from "../_support/launchBrowser.js";
import { openViewPage, waitForStep } from "./_support/openViewPage.js";
import { assertOk, runVmid } from "./_support/runVmid.js";

/** A line of `vmid replay --json`. */
type ReplayLine =
  | { type: "run"; line: number; cpu: number; vm: number; vmid: string }
  | { type: "flush"; line: number; generation: string }
  | { type: "summary"; runs: number; puts: number };

test("vmid replay --html: each run's id and each rollover as vmid replay --json reports them", async (t: TestContext) => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-trace-"));
  t.diagnostic(`page and screenshot: ${folder}`);
  const htmlPath = join(folder, "worked.html");
  const written = runVmid(["replay", "examples/worked.trace", "--html", htmlPath]);
  assertOk(written);
  assert.equal(written.stdout, `vmid replay: wrote ${htmlPath} (8 events)\n`);
  const replayed = runVmid(["replay", "examples/worked.trace", "--json"]);
  assertOk(replayed);
  const lines = replayed.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ReplayLine);
  const runs = lines.filter((line) => line.type === "run");
  const flushes = lines.filter((line) => line.type === "flush");
  const summary = lines.at(-1) as Extract<ReplayLine, { type: "summary" }>;

  const browser = await launchBrowser(t);
  const { page, url, problems, requests } = await openViewPage(t, browser, htmlPath);
  assert.equal(
    await page.locator("body").getAttribute("data-steps"),
    String(summary.runs + summary.puts),
  );
  await page.locator("body").focus();
  const seen: { cpu: number; vm: number; vmid: string; line: number }[] = [];
  const rollovers: { line: number; generation: string }[] = [];
  for (let step = 1; step <= summary.runs + summary.puts; step++) {
    await page.keyboard.press("ArrowRight");
    await waitForStep(page, step);
    const text = (await page.locator("#step-text").textContent()) ?? "";
    const run = /^Event \d+: CPU (\d+) runs VM (\d+): id 0x([0-9a-f]+) \(line (\d+)\)/.exec(text);
    if (run === null) continue;
    const [cpu, vm, vmid, line] = [Number(run[1]), Number(run[2]), run[3], Number(run[4])];
    seen.push({ cpu, vm, vmid, line });
    // After a run, the CPU's column runs the VM and its active slot holds the id.
    const column = page.locator(`[data-part="picture"] [data-cpu="${cpu}"]`);
    assert.equal(
      await column.locator('[data-field="running"]').getAttribute("data-value"),
      String(vm),
    );
    assert.equal(await column.locator('[data-field="active"]').getAttribute("data-value"), vmid);
    const rollover = page.locator('[data-part="rollover"]');
    if ((await rollover.count()) > 0) {
      rollovers.push({ line, generation: (await rollover.getAttribute("data-generation")) ?? "" });
      assert.equal(
        await page.locator('[data-part="generation"]').getAttribute("data-value"),
        rollovers.at(-1)?.generation,
      );
      await page.screenshot({ path: join(folder, "worked-rollover.png") });
    }
  }
  assert.deepEqual(
    seen,
    runs.map(({ cpu, vm, vmid, line }) => ({ cpu, vm, vmid, line })),
  );
  assert.deepEqual(
    rollovers,
    flushes.map(({ line, generation }) => ({ line, generation })),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [url]);
});

test("vmid replay --html refuses a trace past 1000 events: exit 2, one line naming the file and line, nothing written", (t: TestContext) => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-trace-long-"));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const trace = join(folder, "long.trace");
  writeFileSync(trace, `bits 2\ncpus 2\n${"run 0 1\n".repeat(1001)}`);
  const htmlPath = join(folder, "long.html");
  const result = runVmid(["replay", trace, "--html", htmlPath]);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `vmid: ${trace}:1003: the trace has more than 1000 events, the most an HTML page shows: cut it (head -n) or replay it without --html\n`,
  );
  assert.equal(existsSync(htmlPath), false);
});

// A pin belongs to no CPU, and the page draws events per CPU: a pin line is refused at its
// own line (line 4 here: two header lines, one run, then the pin), nothing written.
test("vmid replay --html refuses a pin line: exit 2, the file and line, nothing written", (t: TestContext) => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-trace-pin-"));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const trace = join(folder, "pinned.trace");
  writeFileSync(trace, "bits 2\ncpus 1\nrun 0 1\npin 1\n");
  const htmlPath = join(folder, "pinned.html");
  const result = runVmid(["replay", trace, "--html", htmlPath]);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    `vmid: ${trace}:4: an HTML page does not show pin and unpin events: replay this trace without --html\n`,
  );
  assert.equal(existsSync(htmlPath), false);
});
