/** The `vmid view` page's CSS: laid out for 1280x800 with 2-4 CPU columns. */
export const VIEW_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --panel: #f6f8fa; --changed: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { padding: 8px 16px 32px; }
h1 { font-size: 19px; margin: 0 0 2px; }
h2 { font-size: 15px; margin: 10px 0 4px; }
h3 { font-size: 13px; margin: 0 0 4px; }
small { color: var(--muted); font-weight: normal; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.config { color: var(--muted); margin: 0 0 6px; font-size: 12px; }
.controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.controls button, .controls a { font: inherit; padding: 2px 10px; }
button:focus-visible, a:focus-visible { outline: 3px solid #0969da; outline-offset: 1px; }
#position { font-weight: 600; min-width: 110px; }
.step-text { margin: 2px 0 6px; min-height: 1.4em; }
.timeline-wrap { overflow-x: auto; border: 1px solid var(--rule); border-radius: 4px; }
.timeline { border-collapse: collapse; font-size: 11px; }
.timeline th, .timeline td { padding: 0; border-right: 1px solid #eef1f4; text-align: center; min-width: 27px; height: 20px; }
.timeline thead th { color: var(--muted); font-weight: normal; }
.timeline tbody th { padding: 0 6px; white-space: nowrap; text-align: left; }
.timeline tbody th, .timeline thead th:first-child { position: sticky; left: 0; z-index: 1; background: #fff; border-right: 1px solid var(--rule); }
.timeline .current { background: #fff4c2; }
.timeline button { font: inherit; font-family: ui-monospace, "DejaVu Sans Mono", monospace; padding: 0 2px; min-width: 25px; border: 1px solid var(--rule); background: #fff; cursor: pointer; border-radius: 3px; }
.timeline button[aria-current] { border: 2px solid var(--ink); font-weight: 700; }
.timeline button.rollover { background: #ddf4ff; }
.timeline button.violation { border-color: var(--bad); color: var(--bad); }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 12px; margin-top: 8px; }
.picture { display: grid; grid-template-columns: 250px minmax(0, 1fr); gap: 10px; }
.shared { display: flex; flex-direction: column; gap: 8px; }
.globals .global { padding: 1px 0; }
.label { color: var(--muted); }
.bitmap { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, 56px); gap: 3px; }
.cell { border: 1px solid var(--rule); border-radius: 3px; padding: 1px 3px; text-align: center; font-size: 12px; }
.cell small { display: block; font-size: 10px; }
.cell.set { background: #dafbe1; border-color: #4ac26b; }
.cell.reserved-zero { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eaeef2 4px, #eaeef2 8px); }
.cell.cur { border-width: 2px; border-color: var(--ink); }
.vm-ids { list-style: none; margin: 0; padding: 0; }
.vm-ids li { padding: 1px 0; }
.cpus { display: grid; grid-template-columns: repeat(var(--cpus), minmax(0, 1fr)); gap: 8px; align-items: start; }
.cpu { border: 1px solid var(--rule); border-radius: 6px; padding: 6px; background: var(--panel); min-width: 0; }
.cpu dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 6px; margin: 4px 0 0; }
.cpu dt { color: var(--muted); font-size: 12px; }
.cpu dd { margin: 0; }
.pc { background: #fff; border: 1px solid var(--rule); border-radius: 4px; padding: 2px 4px; }
.pc code { font-weight: 700; font-size: 13px; }
.cline { font-size: 11px; color: var(--muted); }
.badge { font-size: 11px; border-radius: 8px; padding: 0 6px; border: 1px solid var(--ink); font-weight: normal; }
.badge.lock { background: #fff8c5; }
.badge.pending { background: #ffebe9; }
.id small { font-size: 11px; }
.id.stale { color: #8c959f; text-decoration: line-through dotted; }
.id.invalid small { color: var(--ink); font-weight: 600; }
.none { color: var(--muted); }
.vm { display: inline-block; border-radius: 10px; padding: 0 7px; font-size: 12px; font-weight: 600; color: #fff; white-space: nowrap; }
.vm-1 { background: #0072b2; } .vm-2 { background: #d55e00; } .vm-3 { background: #009e73; } .vm-4 { background: #cc79a7; }
.vm-5 { background: #8a6d00; } .vm-6 { background: #56b4e9; color: #000; } .vm-7 { background: #5a5a5a; } .vm-8 { background: #e69f00; color: #000; }
.tlb-entry { display: inline-block; margin: 1px 0; }
.changed { outline: 2px dashed var(--changed); outline-offset: 1px; }
.offending { outline: 3px solid var(--bad); outline-offset: 1px; background: #ffebe9; }
.marker { font-weight: 700; margin-left: 2px; font-size: 11px; color: var(--changed); }
.offending .marker, .marker[title^="offending"] { color: var(--bad); }
.side { min-width: 0; }
.violation { border: 2px solid var(--bad); border-radius: 6px; padding: 6px 10px; background: #ffebe9; margin-bottom: 8px; }
.violation h2 { margin: 0 0 2px; color: var(--bad); }
.announce:empty { display: none; }
.transitions { list-style: none; margin: 0; padding: 0; max-height: 420px; overflow-y: auto; }
.transition { font: inherit; text-align: left; width: 100%; margin: 1px 0; padding: 3px 6px; border: 1px solid var(--rule); border-radius: 4px; background: #fff; cursor: pointer; }
.transition:hover { background: var(--panel); }
.leads-to-violation { color: var(--bad); }
.note { color: var(--muted); font-size: 12px; }
.extra-fields { font-size: 12px; padding-left: 16px; }
.legend { margin-top: 10px; font-size: 12px; border-top: 1px solid var(--rule); }
.legend dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.legend dt { font-weight: 600; }
.legend dd { margin: 0; }
`;
