import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatNumber } from "../../../src/_internal/formatNumber.js";

// Each expected string is written out by hand: digits grouped by three from the decimal point
// leftwards with a comma, rounding half away from zero.
describe("formatNumber", () => {
  test("integers in full, grouped with commas", () => {
    assert.equal(formatNumber(0), "0");
    assert.equal(formatNumber(-0), "0");
    assert.equal(formatNumber(999), "999");
    assert.equal(formatNumber(1000), "1,000");
    assert.equal(formatNumber(40_606_569), "40,606,569");
    assert.equal(formatNumber(-1_234_567), "-1,234,567");
    assert.equal(formatNumber(2 ** 53), "9,007,199,254,740,992");
  });

  test("other numbers: one decimal from 1000 up, 3 significant digits below", () => {
    assert.equal(formatNumber(2283.9), "2,283.9");
    assert.equal(formatNumber(1000.04), "1,000.0");
    assert.equal(formatNumber(-12_345.67), "-12,345.7");
    assert.equal(formatNumber(904.2), "904");
    assert.equal(formatNumber(94.857), "94.9");
    assert.equal(formatNumber(4.567), "4.57");
    assert.equal(formatNumber(4.9), "4.9");
    assert.equal(formatNumber(0.012_34), "0.0123");
    // 999.96 to 3 significant digits is 1000, grouped like any other.
    assert.equal(formatNumber(999.96), "1,000");
  });

  test("a chosen number of decimals", () => {
    assert.equal(formatNumber(1234.5, { upTo: 0 }), "1,235");
    assert.equal(formatNumber(-0.2, { upTo: 0 }), "0");
    assert.equal(formatNumber(1234.567, { upTo: 2 }), "1,234.57");
    assert.equal(formatNumber(0.5, { upTo: 2 }), "0.5");
    assert.equal(formatNumber(2, { upTo: 2 }), "2");
    assert.equal(formatNumber(2, { fixed: 1 }), "2.0");
    assert.equal(formatNumber(12_345.678, { fixed: 2 }), "12,345.68");
    assert.equal(formatNumber(-0.001, { fixed: 1 }), "0.0");
  });

  test("infinities and NaN as String prints them", () => {
    assert.equal(formatNumber(Number.NaN), "NaN");
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), "Infinity");
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY, { upTo: 0 }), "-Infinity");
  });
});
