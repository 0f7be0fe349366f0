import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { readSweepOutput } from "../../src/report/readSweepOutput.js";
import { renderReport } from "../../src/report/renderReport.js";
import { repoRoot } from "./_support/runVmid.js";

const CHROMIUM = "/usr/bin/chromium";
/** Flags for a headless Chromium on a machine with no network (see .library notes / stack.md). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const CHART_IDS = ["lock-ops", "slow-path-ns", "rollovers", "flushes", "counted-skips"];

test("report of test/fixtures/sweep/small.json (seed 20261130) renders every chart in headless Chromium from file://, with no network request and no error", async (t) => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: this test needs Debian's Chromium. Install it with ` +
      "`apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does).",
  );
  const sweep = readSweepOutput(join(repoRoot, "test/fixtures/sweep/small.json"));
  const dir = mkdtempSync(join(tmpdir(), "vmid-e2e-report-"));
  const htmlPath = join(dir, "report.html");
  writeFileSync(htmlPath, renderReport(sweep, { title: "Fixture sweep", generatedAt: "test" }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => requests.push(request.url()));
  const url = pathToFileURL(htmlPath).href;
  await page.goto(url);
  // String forms: this file is compiled without the DOM's types.
  await page.waitForFunction("document.body.dataset.chartsRendered !== undefined", null, {
    timeout: 20_000,
  });

  const charts = [];
  for (const figure of await page.locator("[data-chart]").all()) {
    charts.push({
      id: await figure.getAttribute("data-chart"),
      points: Number(await figure.getAttribute("data-points")),
      rendered: await figure.getAttribute("data-rendered"),
      empty: await figure.getAttribute("data-empty"),
      canvases: await figure.locator("canvas").count(),
      legendRows: await figure.locator(".u-legend .u-series").count(),
    });
  }
  assert.deepEqual(
    charts.map((chart) => chart.id),
    CHART_IDS,
  );
  for (const chart of charts) {
    assert.equal(chart.rendered, "true", `chart ${chart.id} not rendered`);
    assert.equal(chart.empty, null, `chart ${chart.id} says it has no data`);
    assert.ok(chart.points > 0, `chart ${chart.id} plotted ${chart.points} points`);
    assert.ok(chart.canvases > 0, `chart ${chart.id} has no canvas`);
    assert.ok(chart.legendRows >= 2, `chart ${chart.id} has no legend with series`);
  }
  // Points per chart, from the fixture (see test/unit/report/renderReport.test.ts).
  assert.deepEqual(
    charts.map((chart) => chart.points),
    [9, 9, 4, 8, 6],
  );
  const rendered = await page.evaluate("document.body.dataset.chartsRendered");
  assert.equal(rendered, String(CHART_IDS.length));
  const tableRows = await page.locator("#results-table tbody tr").count();
  assert.equal(tableRows, sweep.rows.length);

  const screenshotDir = join(tmpdir(), "vmid-report-test");
  mkdirSync(screenshotDir, { recursive: true });
  const screenshot = join(screenshotDir, "report.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  t.diagnostic(`screenshot: ${screenshot}`);

  assert.deepEqual(problems, [], "console errors, warnings or page errors");
  const foreign = requests.filter((request) => !request.startsWith("file:"));
  assert.deepEqual(foreign, [], "requests to non-file URLs");
  assert.deepEqual(requests, [url], "the page loads nothing besides itself");
});
