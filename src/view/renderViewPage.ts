import { readFileSync } from "node:fs";
import { escapeHtml } from "../report/escapeHtml.js";
import { insideTag, jsonInScript, pageHead } from "../report/selfContainedHtml.js";
import { renderLegend } from "./renderLegend.js";
import type { ViewData } from "./ViewData.js";
import { VIEW_STYLE } from "./viewStyle.js";

let script: string | undefined;

/**
 * Renders a `vmid view` page: one self-contained HTML document (works from `file://`, fetches
 * nothing: the report's content policy) embedding `data` as JSON in `<script
 * type="application/json" id="view-data">` and the viewer's script, an IIFE that bundles the
 * checker's step model and invariants (scripts/bundleReport.mjs), read from beside this module.
 * The script draws the state picture, the timeline and, in explore mode, the enabled
 * transitions; `<body data-ready>` is set once it has.
 */
export function renderViewPage(data: ViewData, title: string, subtitle: string): string {
  const controls =
    data.kind === "check"
      ? `<button type="button" id="explore" title="take transitions yourself from the step shown">Explore from this step</button>
<button type="button" id="undo" title="undo the last transition (Backspace)">Undo</button>
<button type="button" id="restart" title="back to the start of the page">Restart</button>`
      : "";
  return `${pageHead(title, [VIEW_STYLE])}
<body data-kind="${data.kind}">
<main>
<h1>${escapeHtml(title)}</h1>
<p class="config"><code>${escapeHtml(subtitle)}</code></p>
<noscript><p>This page draws the states with JavaScript: enable it to see them.</p></noscript>
<nav class="controls" aria-label="steps">
<button type="button" id="first" title="first (Home)">First</button>
<button type="button" id="prev" title="previous (Left arrow)">Back</button>
<button type="button" id="next" title="next (Right arrow)">Forward</button>
<button type="button" id="last" title="last (End)">Last</button>
<span id="position" aria-live="polite"></span>
${controls}
</nav>
<p class="step-text" id="step-text"></p>
<div id="timeline"></div>
<div class="layout">
<div id="picture"></div>
<aside class="side">
<div id="announce" class="announce" role="status" aria-live="polite"></div>
<div id="transitions"></div>
${renderLegend(data.kind)}
</aside>
</div>
</main>
<script type="application/json" id="view-data">${jsonInScript(data)}</script>
<script>${insideTag(loadScript(), "script")}</script>
</body>
</html>
`;
}

function loadScript(): string {
  if (script !== undefined) return script;
  const url = new URL("./client.bundle.js", import.meta.url);
  try {
    script = readFileSync(url, "utf8");
  } catch (error) {
    throw new Error(
      `the viewer's client.bundle.js is missing beside ${import.meta.url} (run npm run build): ${String(error)}`,
    );
  }
  return script;
}
