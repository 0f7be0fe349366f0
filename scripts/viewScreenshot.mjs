// Retakes docs/figures/view-speculative-fill.png, the README's picture of `vmid view`: writes
// the speculative-fill counterexample's page with the built CLI and screenshots its last step
// at 1280x800 in the headless Chromium the browser tests use. Run after `npm run build`.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { packagedChromium } = await import(
  pathToFileURL(join(root, "dist", "test", "_support", "packagedChromium.js")).href
);
const page = join(mkdtempSync(join(tmpdir(), "vmid-view-screenshot-")), "speculation.html");
const args = ["--vms", "4", "--speculation", "--invariant", "UniqueVMIDPerCPU", "--quiet"];
try {
  execFileSync(process.execPath, [
    join(root, "dist/src/cli/main.js"),
    "check",
    ...args,
    "--html",
    page,
  ]);
} catch (error) {
  if (error.status !== 1) throw error; // 1: the counterexample was found, as expected
}
const packaged = await packagedChromium();
const browser = await chromium.launch({
  executablePath: packaged.executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
  env: { ...process.env, ...packaged.env },
});
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  await tab.goto(`${pathToFileURL(page).href}#step=41`);
  await tab.locator("body[data-ready]").waitFor({ state: "attached" });
  const output = join(root, "docs", "figures", "view-speculative-fill.png");
  await tab.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
