// The `vmid view` page's script, bundled by scripts/bundleReport.mjs as an IIFE (with the
// checker's step model and invariants) and inlined by renderViewPage. It reads the page's
// data (id="view-data") and runs the model view or the trace view; a failure is shown on the
// page, logged, and marked as body[data-error].
import type { ViewData } from "../ViewData.js";
import { checkView } from "./checkView.js";
import { traceView } from "./traceView.js";

function main(): void {
  try {
    const data = JSON.parse(
      document.getElementById("view-data")?.textContent ?? "null",
    ) as ViewData;
    if (data.kind === "check") checkView(data);
    else traceView(data);
  } catch (error) {
    document.body.dataset.error = String(error);
    const message = document.createElement("p");
    message.className = "violation";
    message.textContent = `The page failed: ${String(error)}`;
    document.querySelector("main")?.prepend(message);
    console.error(error);
  }
}

main();
