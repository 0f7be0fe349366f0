import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseBrowser, SYSTEM_CHROMIUM } from "./chooseBrowser.js";

const WITH_SYSTEM = (path: string) => path === SYSTEM_CHROMIUM || path === "/opt/chrome";
const BARE = (path: string) => path === "/opt/chrome";

test("chooseBrowser: CHROMIUM_PATH first, then /usr/bin/chromium, then the packaged one", () => {
  assert.deepEqual(chooseBrowser({ CHROMIUM_PATH: "/opt/chrome" }, WITH_SYSTEM), {
    source: "CHROMIUM_PATH",
    executablePath: "/opt/chrome",
  });
  assert.deepEqual(chooseBrowser({}, WITH_SYSTEM), {
    source: "system",
    executablePath: "/usr/bin/chromium",
  });
  // An empty CHROMIUM_PATH counts as unset.
  assert.deepEqual(chooseBrowser({ CHROMIUM_PATH: "" }, WITH_SYSTEM), {
    source: "system",
    executablePath: "/usr/bin/chromium",
  });
  assert.deepEqual(chooseBrowser({}, BARE), {
    source: "packaged",
    reason: "no CHROMIUM_PATH and no /usr/bin/chromium",
  });
});

test("chooseBrowser: a CHROMIUM_PATH pointing nowhere is an error, not a fallback", () => {
  assert.throws(
    () => chooseBrowser({ CHROMIUM_PATH: "/nowhere/chromium" }, WITH_SYSTEM),
    /^Error: CHROMIUM_PATH=\/nowhere\/chromium does not exist/,
  );
});

test("chooseBrowser: VMID_TEST_BROWSER=packaged wins over CHROMIUM_PATH and the system's", () => {
  assert.deepEqual(
    chooseBrowser(
      { VMID_TEST_BROWSER: "packaged", CHROMIUM_PATH: "/nowhere/chromium" },
      WITH_SYSTEM,
    ),
    {
      source: "packaged",
      reason: "forced by VMID_TEST_BROWSER=packaged (CHROMIUM_PATH=/nowhere/chromium ignored)",
    },
  );
  assert.deepEqual(chooseBrowser({ VMID_TEST_BROWSER: "packaged" }, WITH_SYSTEM), {
    source: "packaged",
    reason: "forced by VMID_TEST_BROWSER=packaged",
  });
});

test("chooseBrowser: VMID_TEST_BROWSER=system refuses the packaged one; other values are errors", () => {
  assert.deepEqual(chooseBrowser({ VMID_TEST_BROWSER: "system" }, WITH_SYSTEM), {
    source: "system",
    executablePath: "/usr/bin/chromium",
  });
  assert.throws(
    () => chooseBrowser({ VMID_TEST_BROWSER: "system" }, BARE),
    /CHROMIUM_PATH is unset and \/usr\/bin\/chromium is missing/,
  );
  assert.deepEqual(chooseBrowser({ VMID_TEST_BROWSER: "auto" }, BARE), {
    source: "packaged",
    reason: "no CHROMIUM_PATH and no /usr/bin/chromium",
  });
  assert.throws(
    () => chooseBrowser({ VMID_TEST_BROWSER: "firefox" }, WITH_SYSTEM),
    /VMID_TEST_BROWSER=firefox: expected auto, system or packaged/,
  );
});
