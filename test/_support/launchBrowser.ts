import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { chooseBrowser } from "./chooseBrowser.js";
import { packagedChromium } from "./packagedChromium.js";

/** Flags for a headless Chromium on a machine with no network and no display. */
const HEADLESS_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Launches the headless Chromium for one browser test and closes it after the test. Which
 * browser is chosen by {@link chooseBrowser}: `CHROMIUM_PATH`, `/usr/bin/chromium` or the one
 * packaged in `@sparticuz/chromium` (`VMID_TEST_BROWSER=packaged` forces the latter). The test
 * output names it, its version and why it was chosen.
 *
 * Give each page its locale (`browser.newPage({ locale: "en-US" })`): that sets
 * `navigator.language` in every Chromium, whereas `--lang` does not in the packaged headless
 * shell, whose language follows the environment's `LANG` (`en-US@posix` under `C.UTF-8`).
 */
export async function launchBrowser(t: TestContext): Promise<Browser> {
  const choice = chooseBrowser(process.env, existsSync);
  let executablePath: string;
  let env: Record<string, string | undefined> = process.env;
  let label: string;
  if (choice.source === "packaged") {
    const packaged = await packagedChromium();
    executablePath = packaged.executablePath;
    env = { ...process.env, ...packaged.env };
    label = `packaged @sparticuz/chromium ${packaged.packageVersion}, ${choice.reason}`;
  } else {
    executablePath = choice.executablePath;
    label = choice.source === "system" ? "the system's" : "CHROMIUM_PATH";
  }
  const browser = await chromium.launch({ executablePath, args: HEADLESS_ARGS, env });
  t.after(() => browser.close());
  t.diagnostic(`browser: Chromium ${browser.version()} at ${executablePath} (${label})`);
  return browser;
}
