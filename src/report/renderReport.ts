import { readFileSync } from "node:fs";
import { formatNumber } from "../_internal/formatNumber.js";
import type { SweepOutput } from "../sim/sweep/SweepOutput.js";
import { buildCharts, type ChartSection } from "./buildCharts.js";
import type { ChartSpec } from "./ChartSpec.js";
import { escapeHtml } from "./escapeHtml.js";
import { renderTable } from "./renderTable.js";
import { REPORT_STYLE } from "./reportStyle.js";
import { insideTag, jsonInScript, pageHead } from "./selfContainedHtml.js";
import type { Finding } from "./studyFindings.js";

/** Options of `renderReport`. */
export interface RenderReportOptions {
  /** The page's title; default `VMID allocator sweep`. */
  readonly title?: string;
  /** When the report was made, shown as given (e.g. an ISO 8601 time); omitted when absent. */
  readonly generatedAt?: string;
  /** Headline findings (`studyFindings`) shown above the charts; none by default. */
  readonly findings?: readonly Finding[];
}

let assets: { script: string; css: string } | undefined;

/**
 * Renders a sweep's results as one self-contained HTML document: it works from `file://`,
 * requests nothing from the network (its content policy forbids it), and uses no module
 * script. It inlines uPlot's CSS, the client script (an IIFE bundled by esbuild at build time,
 * read from beside this module), the sweep as JSON in `<script type="application/json"
 * id="sweep-data">` and the charts' data in `id="chart-data"` (`<` escaped as `\u003c`).
 * The page holds a summary, four chart sections (five charts, see `buildCharts`) and every row
 * in a sortable table.
 */
export function renderReport(output: SweepOutput, options: RenderReportOptions = {}): string {
  const { script, css } = loadAssets();
  const title = options.title ?? "VMID allocator sweep";
  const sections = buildCharts(output);
  const charts = sections.flatMap((section) => section.charts);
  const generated =
    options.generatedAt === undefined
      ? ""
      : `<p class="generated">Generated ${escapeHtml(options.generatedAt)}</p>\n`;
  return `${pageHead(title, [css, REPORT_STYLE])}
<body data-charts="${charts.length}">
<main>
<h1>${escapeHtml(title)}</h1>
${generated}${renderFindings(options.findings ?? [])}${renderSummary(output)}
${sections.map(renderSection).join("\n")}
<section id="results">
<h2>All results</h2>
<p class="question">${output.rows.length} rows, one per grid point and policy; click a column heading to sort.</p>
<div class="table-wrap">
${renderTable(output.rows)}
</div>
</section>
</main>
<script type="application/json" id="sweep-data">${jsonInScript(output)}</script>
<script type="application/json" id="chart-data">${jsonInScript(charts)}</script>
<script>${insideTag(script, "script")}</script>
</body>
</html>
`;
}

/** The findings as a list (nothing when there are none). */
function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return "";
  const items = findings.map(
    (finding) =>
      `<li data-finding="${finding.id}"><strong>${escapeHtml(finding.headline)}</strong><br><span class="evidence">${escapeHtml(finding.evidence)}</span></li>`,
  );
  return `<section id="findings">\n<h2>Findings</h2>\n<ul>\n${items.join("\n")}\n</ul>\n</section>\n`;
}

function renderSummary(output: SweepOutput): string {
  const policies = output.config.policies
    .map((policy) => `${policy.strategy}/${policy.flush}`)
    .join(", ");
  const grid = Object.entries(output.config.grid)
    .map(([name, values]) => `${name}: ${(values as readonly unknown[]).join(", ")}`)
    .join("; ");
  const base = Object.entries(output.config.base)
    .map(([name, value]) => `${name} = ${String(value)}`)
    .join(", ");
  const skipped =
    output.skipped.length === 0
      ? "<dd>none</dd>"
      : `<dd><details><summary>${output.skipped.length} (show each, with the reason)</summary><ul class="skipped">${output.skipped
          .map(
            (point) =>
              `<li>point ${point.point} (${escapeHtml(gridValues(output, point))}): ${escapeHtml(point.reason)}</li>`,
          )
          .join("")}</ul></details></dd>`;
  const items: [string, string][] = [
    ["Seed", String(output.config.seed)],
    ["Grid points", formatNumber(output.points)],
    ["Rows", `${formatNumber(output.rows.length)} (one per point run and policy)`],
    ["Policies", policies],
    ["Grid", grid === "" ? "(none)" : grid],
    ["Base options", base === "" ? "(defaults)" : base],
    ["Simulation time", `${formatDuration(output.elapsedMs)} (summed over points)`],
  ];
  const rows = items.map(([term, text]) => `<dt>${term}</dt><dd>${escapeHtml(text)}</dd>`);
  return `<dl class="summary" id="summary">\n${rows.join("\n")}\n<dt>Skipped points</dt>${skipped}\n</dl>`;
}

/** A skipped point's values of the parameters the grid varies (`cpus 512, bits 8, ...`). */
function gridValues(output: SweepOutput, point: SweepOutput["skipped"][number]): string {
  const options = point.options as unknown as Record<string, unknown>;
  const names = Object.keys(output.config.grid);
  return (names.length > 0 ? names : ["cpus", "bits", "vms"])
    .map((name) => `${name} ${String(options[name])}`)
    .join(", ");
}

function renderSection(section: ChartSection): string {
  return `<section class="chart-section">
<h2>${escapeHtml(section.heading)}</h2>
<p class="question">${escapeHtml(section.question)}</p>
${section.charts.map(renderChart).join("\n")}
</section>`;
}

function renderChart(chart: ChartSpec): string {
  const empty = chart.points === 0;
  const body = empty
    ? `<p class="no-data">No data for this chart in this sweep: ${escapeHtml(chart.emptyReason ?? "no rows")}.</p>`
    : `<div class="plot"></div>`;
  const caption = chart.caption.map((sentence) => `<p>${escapeHtml(sentence)}</p>`).join("");
  return `<figure class="chart" data-chart="${chart.id}"${empty ? ' data-empty="true"' : ""}>
<h3>${escapeHtml(chart.title)}</h3>
${body}
<figcaption>${caption}</figcaption>
</figure>`;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${formatNumber(Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 120) return `${formatNumber(Number(seconds.toFixed(1)))} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function loadAssets(): { script: string; css: string } {
  if (assets !== undefined) return assets;
  const read = (name: string): string => {
    const url = new URL(`./${name}`, import.meta.url);
    try {
      return readFileSync(url, "utf8");
    } catch (error) {
      throw new Error(
        `the report's ${name} is missing beside ${import.meta.url} (run npm run build): ${String(error)}`,
      );
    }
  };
  assets = { script: read("client.bundle.js"), css: read("uPlot.min.css") };
  return assets;
}
