import { appendFileSync } from "node:fs";

// Module customization hooks (node:module register) that append the URL of every module loaded
// to the file named by VMID_TEST_MODULE_LOG, one a line. Registered by registerModuleLog.ts.

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

/** The `load` hook: records `url`, then loads it as usual. */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  const log = process.env.VMID_TEST_MODULE_LOG;
  if (log !== undefined) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
