// Bundles the browser code of the project's two pages, each into one minified IIFE that its
// renderer inlines into a self-contained HTML page (no module scripts, no network):
// - the report (src/report/client/main.ts, which imports uPlot) into
//   dist/src/report/client.bundle.js, with uPlot's CSS copied beside it (renderReport);
// - the `vmid view` page (src/view/client/main.ts, which imports the checker's step model and
//   invariants from src/check) into dist/src/view/client.bundle.js (renderViewPage).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles src/<page>/client/main.ts into dist/src/<page>/client.bundle.js; returns the folder. */
async function bundlePage(page, banner) {
  const outDir = join(root, "dist", "src", page);
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, "src", page, "client", "main.ts")],
    outfile: join(outDir, "client.bundle.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    // Comments (some carry web addresses) are dropped; a licence notice is kept as a banner.
    legalComments: "none",
    banner: { js: banner },
    logLevel: "warning",
  });
  return outDir;
}

const reportDir = await bundlePage(
  "report",
  "/* vmid report client; includes uPlot 1.6.32 (c) Leon Sorokin, MIT License */",
);
copyFileSync(
  join(root, "node_modules", "uplot", "dist", "uPlot.min.css"),
  join(reportDir, "uPlot.min.css"),
);
await bundlePage("view", "/* vmid view client */");
