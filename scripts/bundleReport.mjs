// Bundles the report's browser code (src/report/client/main.ts, which imports uPlot) into one
// minified IIFE, dist/src/report/client.bundle.js, and copies uPlot's CSS beside it:
// renderReport inlines both into a self-contained HTML page (no module scripts, no network).
// Bundles the `vmid view` page's code (src/view/client/main.ts, which imports the checker's
// step model and invariants from src/check) the same way, into dist/src/view/client.bundle.js,
// which renderViewPage inlines.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "src", "report");
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(root, "src", "report", "client", "main.ts")],
  outfile: join(outDir, "client.bundle.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  // Comments (some carry web addresses) are dropped; the licence notice is kept as a banner.
  legalComments: "none",
  banner: { js: "/* vmid report client; includes uPlot 1.6.32 (c) Leon Sorokin, MIT License */" },
  logLevel: "warning",
});

copyFileSync(
  join(root, "node_modules", "uplot", "dist", "uPlot.min.css"),
  join(outDir, "uPlot.min.css"),
);

const viewDir = join(root, "dist", "src", "view");
mkdirSync(viewDir, { recursive: true });
await build({
  entryPoints: [join(root, "src", "view", "client", "main.ts")],
  outfile: join(viewDir, "client.bundle.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  minify: true,
  legalComments: "none",
  banner: { js: "/* vmid view client */" },
  logLevel: "warning",
});
