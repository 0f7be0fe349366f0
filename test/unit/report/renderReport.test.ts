import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderReport } from "../../../src/report/renderReport.js";
import { loadFixture, withRows } from "./_fixture.js";

/** The text of `<script type="application/json" id="ID">` (up to the first `</script>`). */
function jsonScript(html: string, id: string): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, `no ${id} script`);
  const end = html.indexOf("</script>", start);
  return html.slice(start + open.length, end);
}

describe("renderReport on the fixture sweep (seed 20261130)", () => {
  const fixture = loadFixture();
  const html = renderReport(fixture, { title: "Fixture <sweep>", generatedAt: "2026-11-30" });

  test("one self-contained document: no web address, no module script, no external resource", () => {
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(!/https?:\/\//.test(html), "a web address in the page");
    assert.ok(!html.includes('type="module"'));
    assert.ok(!/<script[^>]*\ssrc=/.test(html), "an external script");
    assert.ok(!/<link\b/.test(html), "a linked resource");
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.ok(html.includes(".u-cursor-pt"), "uPlot's CSS is inlined");
    assert.equal(html.match(/<script>/g)?.length, 1, "one inline classic script (the bundle)");
  });

  test("the sweep's data round-trips through the sweep-data script", () => {
    assert.deepEqual(JSON.parse(jsonScript(html, "sweep-data")), fixture);
    const charts = JSON.parse(jsonScript(html, "chart-data")) as { id: string }[];
    assert.deepEqual(
      charts.map((chart) => chart.id),
      ["lock-ops", "slow-path-ns", "rollovers", "flushes", "counted-skips", "pinned"],
    );
  });

  test("title escaped; summary shows points, rows, seed, time and each skipped point with its reason", () => {
    assert.match(html, /<title>Fixture &lt;sweep&gt;<\/title>/);
    assert.match(html, /<dt>Seed<\/dt><dd>20261130<\/dd>/);
    assert.match(html, /<dt>Grid points<\/dt><dd>24<\/dd>/);
    assert.match(html, /<dt>Rows<\/dt><dd>120 /);
    assert.match(html, /<dt>Simulation time<\/dt><dd>19\.9 s \(summed over points\)<\/dd>/);
    for (const point of [16, 17, 18, 19]) {
      assert.match(
        html,
        new RegExp(`point ${point} \\(cpus 512, bits 8, vms \\d+, churn \\d+\\): 2\\^bits`),
      );
    }
  });

  test("findings, when given, come first, each with its evidence; none by default", () => {
    const withFindings = renderReport(loadFixture(), {
      findings: [
        { id: "rollovers", headline: "Rollovers <often>", evidence: "At 8 CPUs." },
        { id: "flushes", headline: "Flushes", evidence: "Broadcast 8 vs deferred 7." },
      ],
    });
    const findings = withFindings.indexOf('<section id="findings">');
    assert.ok(findings > 0 && findings < withFindings.indexOf('id="summary"'));
    assert.match(
      withFindings,
      /<li data-finding="rollovers"><strong>Rollovers &lt;often&gt;<\/strong>/,
    );
    assert.match(withFindings, /<li data-finding="flushes">.*Broadcast 8 vs deferred 7\./);
    assert.ok(!html.includes('id="findings"'));
  });

  test("five sections, six charts with data, a table with every row", () => {
    assert.equal(html.match(/<section class="chart-section">/g)?.length, 5);
    assert.equal(html.match(/<figure class="chart" data-chart="/g)?.length, 6);
    assert.ok(!html.includes("data-empty"));
    const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
    assert.equal(body.match(/<tr>/g)?.length, 120);
  });

  test("a '</script>' inside the data cannot close its script element", () => {
    const hostile = loadFixture();
    const reason = "</script><script>alert(1)</script><!--";
    const output = { ...hostile, skipped: [{ ...hostile.skipped[0], reason }] };
    const page = renderReport(output);
    const data = jsonScript(page, "sweep-data");
    assert.ok(!data.includes("<"), "a '<' left in the JSON");
    assert.equal(JSON.parse(data).skipped[0].reason, reason);
    assert.ok(!page.includes("<script>alert"), "the reason reached the page unescaped");
  });

  test("a chart whose rows are missing shows the no-data note and marks itself empty", () => {
    const rows = fixture.rows.filter((row) => row.strategy !== "counted");
    const page = renderReport(withRows(rows));
    assert.match(
      page,
      /<figure class="chart" data-chart="counted-skips" data-empty="true">[\s\S]*?No data for this chart in this sweep: the sweep has no row with strategy = counted/,
    );
    assert.equal(page.match(/data-empty="true"/g)?.length, 1);
  });

  test("a sweep with no rows: every chart empty, still one valid page", () => {
    const page = renderReport(withRows([]));
    assert.equal(page.match(/data-empty="true"/g)?.length, 6);
    assert.match(page, /the sweep has no rows/);
  });
});
