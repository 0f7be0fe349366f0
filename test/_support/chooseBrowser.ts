/** Where Debian (and most Linux distributions) install Chromium. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** The browser the browser tests drive, and why that one. */
export type BrowserChoice =
  | { readonly source: "CHROMIUM_PATH"; readonly executablePath: string }
  | { readonly source: "system"; readonly executablePath: string }
  | {
      readonly source: "packaged";
      /** Why the packaged browser and not another (shown in the test output). */
      readonly reason: string;
    };

/**
 * Picks the browser for the browser tests from the environment:
 *
 * - `VMID_TEST_BROWSER=packaged` forces the Chromium shipped inside the `@sparticuz/chromium`
 *   devDependency, whatever else is set or installed (`CHROMIUM_PATH` is then ignored).
 * - `VMID_TEST_BROWSER=system` forbids the packaged one: `CHROMIUM_PATH` or
 *   `/usr/bin/chromium` must exist.
 * - Otherwise (unset, empty or `auto`): `CHROMIUM_PATH` when set, else `/usr/bin/chromium`
 *   when present, else the packaged Chromium.
 *
 * A `CHROMIUM_PATH` that points nowhere is an error, not a reason to fall back: whoever set
 * it asked for that browser, and a silent fallback would test another one.
 *
 * @param env - the environment (`process.env`)
 * @param exists - whether a file exists (`existsSync`; a parameter so that tests can stub it)
 */
export function chooseBrowser(
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean,
): BrowserChoice {
  const mode = env.VMID_TEST_BROWSER || "auto";
  if (mode !== "auto" && mode !== "system" && mode !== "packaged") {
    throw new Error(`VMID_TEST_BROWSER=${mode}: expected auto, system or packaged`);
  }
  const chromiumPath = env.CHROMIUM_PATH || undefined;
  if (mode === "packaged") {
    return {
      source: "packaged",
      reason:
        chromiumPath === undefined
          ? "forced by VMID_TEST_BROWSER=packaged"
          : `forced by VMID_TEST_BROWSER=packaged (CHROMIUM_PATH=${chromiumPath} ignored)`,
    };
  }
  if (chromiumPath !== undefined) {
    if (!exists(chromiumPath)) {
      throw new Error(
        `CHROMIUM_PATH=${chromiumPath} does not exist: point it at a Chromium, unset it, or ` +
          "set VMID_TEST_BROWSER=packaged to use the Chromium shipped by @sparticuz/chromium",
      );
    }
    return { source: "CHROMIUM_PATH", executablePath: chromiumPath };
  }
  if (exists(SYSTEM_CHROMIUM)) return { source: "system", executablePath: SYSTEM_CHROMIUM };
  if (mode === "system") {
    throw new Error(
      `VMID_TEST_BROWSER=system, but CHROMIUM_PATH is unset and ${SYSTEM_CHROMIUM} is missing`,
    );
  }
  return { source: "packaged", reason: `no CHROMIUM_PATH and no ${SYSTEM_CHROMIUM}` };
}
