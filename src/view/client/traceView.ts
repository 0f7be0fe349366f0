import type { TraceViewData } from "../ViewData.js";

/** Runs a trace page (not yet written). */
export function traceView(_data: TraceViewData): void {
  throw new Error("trace pages are not supported yet");
}
