import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { readSweepOutput } from "../../src/report/readSweepOutput.js";
import { renderReport } from "../../src/report/renderReport.js";
import type { SweepOutput } from "../../src/sim/sweep/SweepOutput.js";
import { launchBrowser } from "../_support/launchBrowser.js";
import { repoRoot } from "./_support/runVmid.js";

const CHART_IDS = ["lock-ops", "slow-path-ns", "rollovers", "flushes", "counted-skips", "pinned"];
// Points per chart, from the fixture (see test/unit/report/renderReport.test.ts). The
// fixture predates pinned ids (every row reads as pinned 0): the pinned chart has one point
// per VM count its rule leaves (300 and 100,000, with cpus, bits and churn fixed): 2.
const CHART_POINTS = [9, 9, 4, 8, 6, 2];

/** What a report page did once its script had run. */
interface OpenedReport {
  readonly page: Page;
  readonly url: string;
  readonly folder: string;
  readonly sweep: SweepOutput;
  /** Console errors and warnings, and uncaught page errors. */
  readonly problems: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
}

/**
 * Writes the report of test/fixtures/sweep/small.json into a fresh folder of its own (kept,
 * and named in the test output, so that its page and screenshot can be looked at), opens it
 * from file:// in a page with the given locale, and waits until its script has marked
 * `body[data-charts-rendered]`, failing at once on an uncaught page error instead.
 */
async function openReport(t: TestContext, locale: string): Promise<OpenedReport> {
  const browser = await launchBrowser(t);
  const sweep = readSweepOutput(join(repoRoot, "test/fixtures/sweep/small.json"));
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-report-browser-"));
  t.diagnostic(`report and screenshot folder: ${folder}`);
  const htmlPath = join(folder, "report.html");
  writeFileSync(htmlPath, renderReport(sweep, { title: "Fixture sweep", generatedAt: "test" }));
  const page = await browser.newPage({ locale, viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  const pageError = new Promise<never>((_resolve, reject) => {
    page.on("pageerror", (error) => {
      problems.push(`page error: ${error.message}`);
      reject(new Error(`page error before the charts were drawn: ${error.message}`));
    });
  });
  pageError.catch(() => {}); // Only a failure while waiting below counts here.
  page.on("request", (request) => requests.push(request.url()));
  const url = pathToFileURL(htmlPath).href;
  await page.goto(url);
  // A locator waits from the test's side: the page's CSP (no 'unsafe-eval') would block a
  // string predicate evaluated in the page.
  await Promise.race([
    page.locator("body[data-charts-rendered]").waitFor({ state: "attached", timeout: 20_000 }),
    pageError,
  ]);
  return { page, url, folder, sweep, problems, requests };
}

/** Asserts that every chart of the fixture's report was drawn with its points and legend. */
async function assertEveryChartDrawn(page: Page): Promise<void> {
  const charts = [];
  for (const figure of await page.locator("[data-chart]").all()) {
    charts.push({
      id: await figure.getAttribute("data-chart"),
      points: Number(await figure.getAttribute("data-points")),
      rendered: await figure.getAttribute("data-rendered"),
      empty: await figure.getAttribute("data-empty"),
      error: await figure.getAttribute("data-error"),
      canvases: await figure.locator("canvas").count(),
      legendRows: await figure.locator(".u-legend .u-series").count(),
    });
  }
  assert.deepEqual(
    charts.map((chart) => chart.id),
    CHART_IDS,
  );
  for (const chart of charts) {
    assert.equal(chart.error, null, `chart ${chart.id} failed`);
    assert.equal(chart.rendered, "true", `chart ${chart.id} not rendered`);
    assert.equal(chart.empty, null, `chart ${chart.id} says it has no data`);
    assert.ok(chart.canvases > 0, `chart ${chart.id} has no canvas`);
    assert.ok(chart.legendRows >= 2, `chart ${chart.id} has no legend with series`);
  }
  assert.deepEqual(
    charts.map((chart) => chart.points),
    CHART_POINTS,
  );
  const rendered = await page.locator("body").getAttribute("data-charts-rendered");
  assert.equal(rendered, String(CHART_IDS.length));
}

/** Saves a full-page screenshot into the report's folder and names it in the test output. */
async function saveScreenshot(t: TestContext, page: Page, folder: string): Promise<void> {
  const path = join(folder, "report.png");
  await page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
}

test("report of test/fixtures/sweep/small.json (seed 20261130) renders every chart in headless Chromium from file://, with no network request and no error", async (t) => {
  const { page, url, folder, sweep, problems, requests } = await openReport(t, "en-US");
  await assertEveryChartDrawn(page);
  const tableRows = await page.locator("#results-table tbody tr").count();
  assert.equal(tableRows, sweep.rows.length);

  await saveScreenshot(t, page, folder);

  assert.deepEqual(problems, [], "console errors, warnings or page errors");
  const foreign = requests.filter((request) => !request.startsWith("file:"));
  assert.deepEqual(foreign, [], "requests to non-file URLs");
  assert.deepEqual(requests, [url], "the page loads nothing besides itself");
});

test("report renders every chart when navigator.language is not a valid BCP 47 tag (en-US@posix, as headless Chromium reports under LANG=C.UTF-8)", async (t) => {
  const { page, folder, problems } = await openReport(t, "en-US@posix");
  // What the browser itself reports (Navigator.prototype's getter), and what the page's
  // script made of it: the precondition holds (the tag is one Intl rejects) and is repaired.
  const languages = await page.evaluate(() => {
    type NavigatorLike = { language: string };
    const scope = globalThis as unknown as {
      navigator: NavigatorLike;
      Navigator: { prototype: NavigatorLike };
    };
    const getter = Object.getOwnPropertyDescriptor(scope.Navigator.prototype, "language")?.get;
    return { browser: getter?.call(scope.navigator), page: scope.navigator.language };
  });
  assert.deepEqual(languages, { browser: "en-US@posix", page: "en-US" });
  assert.throws(() => new Intl.NumberFormat(languages.browser), RangeError);
  await assertEveryChartDrawn(page);
  await saveScreenshot(t, page, folder);
  assert.deepEqual(problems, [], "console errors, warnings or page errors");
});
