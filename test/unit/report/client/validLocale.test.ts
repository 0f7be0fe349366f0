import assert from "node:assert/strict";
import { test } from "node:test";
import { FALLBACK_LOCALE, validLocale } from "../../../../src/report/client/validLocale.js";

test("validLocale keeps a valid tag as the browser gave it", () => {
  for (const tag of ["en-US", "de-DE", "zh-Hant-TW", "en-US-u-va-posix", "en-us"]) {
    assert.equal(validLocale(tag), tag);
  }
});

test("validLocale drops a POSIX locale's codeset and modifier and turns _ into -", () => {
  // Each input makes Intl throw RangeError ("Invalid language tag" in Chromium) as it is.
  const cases: [string, string][] = [
    ["en-US@posix", "en-US"], // headless Chromium under LANG=C.UTF-8
    ["en_US.UTF-8", "en-US"],
    ["de_DE@euro", "de-DE"],
    ["sr_RS.UTF-8@latin", "sr-RS"],
  ];
  for (const [tag, expected] of cases) {
    assert.throws(() => new Intl.NumberFormat(tag), RangeError, tag);
    assert.equal(validLocale(tag), expected, tag);
  }
});

test("validLocale falls back to en-US when nothing valid is left", () => {
  assert.equal(FALLBACK_LOCALE, "en-US");
  // "C" and "" are not language tags; "x" is too short for a language subtag.
  for (const tag of ["C", "C.UTF-8", "", "x", "@posix"]) {
    assert.equal(validLocale(tag), "en-US", JSON.stringify(tag));
  }
});
