import type { TestContext } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";

/** A `vmid view` page opened in headless Chromium, with what it logged and requested. */
export interface OpenedView {
  readonly page: Page;
  /** The page's file:// URL, without a hash. */
  readonly url: string;
  /** Console errors and warnings, and uncaught page errors. */
  readonly problems: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
}

/**
 * Opens the page at `htmlPath` (from file://, with `hash` if given) at 1280x800 and waits for
 * its script to mark `body[data-ready]`, failing at once on an uncaught page error or on
 * `body[data-error]` instead.
 */
export async function openViewPage(
  t: TestContext,
  browser: Browser,
  htmlPath: string,
  hash = "",
): Promise<OpenedView> {
  const page = await browser.newPage({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  t.after(() => page.close());
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  const pageError = new Promise<never>((_resolve, reject) => {
    page.on("pageerror", (error) => {
      problems.push(`page error: ${error.message}`);
      reject(new Error(`page error: ${error.message}`));
    });
  });
  pageError.catch(() => {});
  page.on("request", (request) => requests.push(request.url()));
  const url = pathToFileURL(htmlPath).href;
  await page.goto(url + hash);
  await Promise.race([
    page.locator("body[data-ready]").waitFor({ state: "attached", timeout: 20_000 }),
    page
      .locator("body[data-error]")
      .waitFor({ state: "attached", timeout: 20_000 })
      .then(async () => {
        throw new Error(
          `the page failed: ${await page.locator("body").getAttribute("data-error")}`,
        );
      }),
    pageError,
  ]);
  return { page, url, problems, requests };
}

/** Waits until the page shows step `step` (`body[data-step]`). */
export async function waitForStep(page: Page, step: number): Promise<void> {
  await page.locator(`body[data-step="${step}"]`).waitFor({ state: "attached", timeout: 10_000 });
}
