import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { studyFindings } from "../../../src/report/studyFindings.js";
import { loadFixture, withRows } from "./_fixture.js";

/*
 * The study's findings on the report's fixture (test/fixtures/sweep/small.json; its values
 * are illustrative). Each expected number is read off the fixture's rows by hand, as noted
 * beside it, and printed as formatNumber prints it: 3 significant digits below 1000, one
 * decimal from 1000 up, integers in full, thousands grouped with commas.
 */
const fixture = loadFixture();
const findings = new Map(studyFindings(fixture).map((finding) => [finding.id, finding]));
const headline = (id: string) => findings.get(id as never)?.headline ?? assert.fail(`no ${id}`);

describe("studyFindings on the fixture", () => {
  test("four findings, in order", () => {
    assert.deepEqual([...findings.keys()], ["loop-cost", "counted-skip", "rollovers", "flushes"]);
  });

  test("loop-cost: the chart's rows (bits 16 from base, vms 300 and churn 0 the grid's first values, broadcast)", () => {
    // Points 20 (512 CPUs) and 4 (8 CPUs): scan 460.8 reservations per slow path, 464.8 lock
    // operations; indexed 4.9 at both; counted 434.08 at 512; 464.8 / 4.9 = 94.86; at 8
    // CPUs scan 11.2.
    const text = headline("loop-cost");
    assert.match(
      text,
      /at 512 CPUs the seed's scan compares 461 reservations per slow path \(465 operations under the lock\) where indexed needs 4\.9 \(94\.9x less\); at 8 CPUs it is 11\.2 vs 4\.9\. counted needs 434\.$/,
    );
    // Scan's and indexed's measured means at 512 CPUs: 2283.9 (one decimal from 1000 up,
    // grouped: 2,283.9) and 904.2 (3 significant digits: 904) ns.
    assert.match(
      findings.get("loop-cost")?.evidence ?? "",
      /scan 2,283\.9 ns, indexed 904 ns at 512 CPUs/,
    );
  });

  test("counted-skip: sums over the 40 counted rows, the best point's share", () => {
    // All 20 points have counted rows with some skip; lookups sum to 2,602,110 and skips to
    // 706,748 (27.2%); the highest countedSkipPercentOfSlowPaths is point 0's 48.0009.
    assert.match(
      headline("counted-skip"),
      /skipped 706,748 of 2,602,110 lookups \(27\.2%\) over the sweep, at most 48% of slow paths at one point; it skipped at all at 20 of 20 points\.$/,
    );
  });

  test("rollovers: scan/broadcast at 8 CPUs and churn 0 (grid's first values), per VMID width", () => {
    // Points 0, 2 (bits 8: 825 and 3075 per million at 300 and 100,000 VMs) and 4, 6 (bits
    // 16: 0 and 5). 1e6 / 3075 = 325.2 updates; 1e6 / 5 = 200,000.
    assert.match(
      headline("rollovers"),
      /8-bit VMIDs: 3,075 rollovers per million updates at 100,000 VMs \(one every 325 updates\), at least 100 per million from 300 VMs; 16-bit VMIDs: 5 rollovers per million updates at 100,000 VMs \(one every 200,000 updates\), never 100 per million\.$/,
    );
  });

  test("flushes: scan rows of the 14 points that roll over; the best saving and the equal ones", () => {
    // Savings 1 - deferred / broadcast CPU TLBs flushed: about 10% at most points, 1 - 7/8 =
    // 12.5% at points 6 and 7 (8 CPUs, 5 rollovers per million: one every 200,000 updates),
    // the first kept; no point has equal counts.
    const text = headline("flushes");
    assert.match(
      text,
      /at most 12\.5% fewer CPU TLBs flushed \(8 CPUs, a rollover every 200,000 updates\); at 0 of 14 points that roll over/,
    );
    assert.match(
      findings.get("flushes")?.evidence ?? "",
      /^Broadcast 8 vs deferred 7 CPU TLBs flushed at 8 CPUs, 16-bit VMIDs, 100,000 VMs/,
    );
  });

  test("a finding whose rows the sweep lacks is left out", () => {
    const noCounted = studyFindings(withRows(fixture.rows.filter((r) => r.strategy !== "counted")));
    assert.deepEqual(
      noCounted.map((finding) => finding.id),
      ["loop-cost", "rollovers", "flushes"],
    );
    assert.deepEqual(studyFindings(withRows([])), []);
  });
});
