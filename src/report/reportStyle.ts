/** The report page's own CSS (uPlot's CSS is inlined beside it). */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 22px; margin: 40px 0 4px; padding-top: 16px; border-top: 1px solid var(--rule); }
h3 { font-size: 17px; margin: 0 0 8px; }
.generated, .question { color: var(--muted); margin: 0 0 12px; }
#findings li { margin: 0 0 10px; } #findings .evidence { color: var(--muted); font-size: 0.92em; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 20px; margin: 16px 0; padding: 16px 20px; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; }
.summary dt { font-weight: 600; }
.summary dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 14px; }
.skipped { margin: 4px 0 0; padding-left: 20px; }
figure.chart { margin: 20px 0 28px; padding: 16px 16px 12px; border: 1px solid var(--rule); border-radius: 6px; }
.plot { width: 100%; min-height: 200px; }
figure.chart figcaption { margin-top: 10px; font-size: 14px; color: var(--muted); }
figure.chart figcaption p { margin: 2px 0; }
.no-data { margin: 12px 0; padding: 24px; text-align: center; font-size: 16px; background: var(--panel); border: 1px dashed var(--rule); border-radius: 6px; }
.uplot { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
.u-legend { font-size: 14px; margin-top: 4px; }
.u-legend .u-marker { width: 14px; height: 14px; }
.table-wrap { overflow: auto; max-height: 70vh; border: 1px solid var(--rule); border-radius: 6px; }
table { border-collapse: collapse; font-size: 13px; white-space: nowrap; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eaeef2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
thead th { position: sticky; top: 0; background: var(--panel); cursor: pointer; user-select: none; border-bottom: 1px solid var(--rule); }
thead th[aria-sort="ascending"]::after { content: " \\25B2"; }
thead th[aria-sort="descending"]::after { content: " \\25BC"; }
tbody tr:nth-child(even) { background: #fafbfc; }
`;
