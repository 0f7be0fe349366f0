// The report page's script, bundled by scripts/bundleReport.mjs as an IIFE and inlined by
// renderReport. It draws the charts whose data renderReport computed (id="chart-data"),
// marks each container with data-points and data-rendered, and sets
// document.body.dataset.chartsRendered to the number of charts drawn with data.
// First, before uPlot's module is evaluated (see guardNavigatorLanguage.ts):
import "./guardNavigatorLanguage.js";
import type uPlot from "uplot";
import type { ChartSpec } from "../ChartSpec.js";
import { drawChart } from "./drawChart.js";
import { sortTable } from "./sortTable.js";

function readCharts(): ChartSpec[] {
  const element = document.getElementById("chart-data");
  if (element === null) throw new Error("the page has no chart-data");
  return JSON.parse(element.textContent ?? "[]") as ChartSpec[];
}

function main(): void {
  const plots: { plot: uPlot; target: HTMLElement }[] = [];
  let rendered = 0;
  try {
    for (const spec of readCharts()) {
      const figure = document.querySelector<HTMLElement>(`[data-chart="${spec.id}"]`);
      if (figure === null) continue;
      const target = figure.querySelector<HTMLElement>(".plot");
      if (target === null || spec.points === 0) {
        figure.dataset.points = "0";
        figure.dataset.rendered = "true";
        continue;
      }
      try {
        const { plot, points } = drawChart(spec, target);
        plots.push({ plot, target });
        figure.dataset.points = String(points);
        figure.dataset.rendered = "true";
        if (points > 0) rendered++;
      } catch (error) {
        figure.dataset.error = String(error);
        console.error(`chart ${spec.id}:`, error);
      }
    }
    const table = document.getElementById("results-table");
    if (table instanceof HTMLTableElement) sortTable(table);
  } finally {
    document.body.dataset.chartsRendered = String(rendered);
  }
  window.addEventListener("resize", () => {
    for (const { plot, target } of plots) {
      plot.setSize({ width: Math.max(320, target.clientWidth), height: plot.height });
    }
  });
}

main();
