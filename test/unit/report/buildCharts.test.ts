import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pickScale } from "../../../src/report/buildChart.js";
import { buildCharts } from "../../../src/report/buildCharts.js";
import type { ChartSpec } from "../../../src/report/ChartSpec.js";
import type { SweepOutput } from "../../../src/sim/sweep/SweepOutput.js";
import { loadFixture, withRows } from "./_fixture.js";

function chartsById(output: SweepOutput): Map<string, ChartSpec> {
  const charts = buildCharts(output).flatMap((section) => section.charts);
  return new Map(charts.map((chart) => [chart.id, chart]));
}

function chart(output: SweepOutput, id: string): ChartSpec {
  const found = chartsById(output).get(id);
  assert.ok(found !== undefined, `no chart ${id}`);
  return found;
}

/** Series as { label: values } for compact comparisons. */
function lines(spec: ChartSpec): Record<string, (number | null)[]> {
  return Object.fromEntries(spec.series.map((line) => [line.label, [...line.values]]));
}

// Expected values read off test/fixtures/sweep/small.json (seed 20261130) by hand. The rule
// fixes, for every parameter the chart does not let vary: config.base if it has the
// parameter (bits = 16), else the grid's first value (cpus 8, vms 300, churn 0).
describe("chart selection on the fixture sweep (seed 20261130)", () => {
  const fixture = loadFixture();

  test("lock-ops: flush broadcast, bits 16 (base, not the grid's first 8), vms 300, churn 0: points 4, 12, 20", () => {
    const spec = chart(fixture, "lock-ops");
    assert.deepEqual(spec.x, [8, 64, 512]);
    // lockOpsPerSlowPath of rows (point, strategy, broadcast) for points 4, 12, 20.
    assert.deepEqual(lines(spec), {
      scan: [11.2, 61.6, 464.8],
      counted: [7.36, 44.32, 434.08],
      indexed: [4.9, 4.9, 4.9],
    });
    assert.equal(spec.points, 9);
    assert.equal(spec.xScale, "log2");
    assert.equal(spec.yScale, "log10"); // 4.9 .. 464.8: spread over 50x
    const caption = spec.caption.join(" ");
    assert.match(caption, /Seed 20261130\. 9 of 120 rows, grid points 4, 12, 20\./);
    assert.match(caption, /Varies: cpus \(x axis\) and strategy \(series\)/);
    assert.match(caption, /Fixed by this chart: flush = broadcast\./);
    assert.match(
      caption,
      /bits = 16 \(sweep: 8, 16\), vms = 300 \(sweep: 300, 100000\), churn = 0/,
    );
    assert.match(caption, /Same in every run: vcpusPerVm = 2, popularity = zipf/);
  });

  test("slow-path-ns: the same rows, slowPathNsMean", () => {
    const spec = chart(fixture, "slow-path-ns");
    assert.deepEqual(spec.x, [8, 64, 512]);
    // The fixture's means are its medians + 100 ns (test/fixtures/sweep/README.md).
    assert.deepEqual(lines(spec), {
      scan: [923.1, 1074.3, 2283.9],
      counted: [911.6, 1022.5, 2191.7],
      indexed: [904.2, 904.2, 904.2],
    });
  });

  test("rollovers: scan/broadcast, cpus 8, churn 0, x = vms, one series per bits: points 0, 2, 4, 6", () => {
    const spec = chart(fixture, "rollovers");
    assert.deepEqual(spec.x, [300, 100000]);
    // points 0 (bits 8, vms 300), 2 (bits 8, vms 100000), 4 (bits 16, vms 300), 6 (bits 16, vms 100000)
    assert.deepEqual(lines(spec), { "8-bit VMIDs": [825, 3075], "16-bit VMIDs": [0, 5] });
    assert.equal(spec.xScale, "log10");
    assert.equal(spec.yScale, "asinh"); // a zero among values spread over 50x
  });

  test("flushes: scan, cpus 8, churn 0, x = rollovers per million, y = cpusFlushed per million updates", () => {
    const spec = chart(fixture, "flushes");
    // x from points 4, 6, 0, 2; y = cpusFlushed / 200000 updates x 1e6:
    // broadcast 0, 8, 1320, 4920 -> 0, 40, 6600, 24600; deferred 0, 7, 1188, 4428.
    assert.deepEqual(spec.x, [0, 5, 825, 3075]);
    assert.deepEqual(lines(spec), {
      broadcast: [0, 40, 6600, 24600],
      deferred: [0, 35, 5940, 22140],
    });
    assert.match(spec.caption.join(" "), /Fixed by this chart: strategy = scan\./);
  });

  test("counted-skips: counted/broadcast, bits 16, vms 300, one series per churn: points 4, 5, 12, 13, 20, 21", () => {
    const spec = chart(fixture, "counted-skips");
    assert.deepEqual(spec.x, [8, 64, 512]);
    assert.deepEqual(lines(spec), {
      "churn 0 per 1000 slices": [48, 27, 6],
      "churn 20 per 1000 slices": [24, 13.4884, 3],
    });
  });

  test("without bits in config.base the rule takes the grid's first, bits 8: lock-ops has points 0 and 8 only (512 CPUs skipped)", () => {
    const output = loadFixture();
    const { bits: _bits, ...base } = output.config.base;
    const spec = chart({ ...output, config: { ...output.config, base } }, "lock-ops");
    assert.deepEqual(spec.x, [8, 64]);
    assert.deepEqual(lines(spec), {
      scan: [10.1844, 60.3648],
      counted: [6.3443, 43.0847],
      indexed: [3.8844, 3.6652],
    });
  });

  test("rows sharing an x in one series are averaged and the caption says so", () => {
    const output = loadFixture();
    const copies = output.rows
      .filter((row) => row.point === 4)
      .map((row) => ({ ...row, point: 99, lockOpsPerSlowPath: row.lockOpsPerSlowPath + 2 }));
    const spec = chart(withRows([...output.rows, ...copies]), "lock-ops");
    assert.deepEqual(lines(spec).scan, [12.2, 61.6, 464.8]);
    assert.match(spec.caption.join(" "), /3 plotted points are means of several rows/);
  });

  test("a sweep without counted rows: counted-skips is empty with the reason, the other charts keep their data", () => {
    const output = loadFixture();
    const charts = chartsById(withRows(output.rows.filter((row) => row.strategy !== "counted")));
    const skips = charts.get("counted-skips");
    assert.equal(skips?.points, 0);
    assert.match(skips?.emptyReason ?? "", /no row with strategy = counted/);
    for (const id of ["lock-ops", "slow-path-ns", "rollovers", "flushes"]) {
      assert.ok((charts.get(id)?.points ?? 0) > 0, id);
    }
  });

  test("slow-path-ns plots no row without timing samples", () => {
    const output = loadFixture();
    const rows = output.rows.map((row) => ({
      ...row,
      slowPathSamples: 0,
      slowPathNsMedian: 0,
      slowPathNsMean: 0,
    }));
    const spec = chart(withRows(rows), "slow-path-ns");
    assert.equal(spec.points, 0);
    assert.match(spec.emptyReason ?? "", /no value to plot/);
  });
});

describe("pickScale", () => {
  test("linear for a narrow spread, log10 for a wide one, asinh when zeros join a wide spread", () => {
    assert.equal(pickScale([1, 2, 40]), "linear");
    assert.equal(pickScale([1, 2, 50]), "log10");
    assert.equal(pickScale([0, 1, 50]), "asinh");
    assert.equal(pickScale([-1, 1, 500]), "linear");
    assert.equal(pickScale([]), "linear");
  });
});
