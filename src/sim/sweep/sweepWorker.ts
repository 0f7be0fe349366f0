import { parentPort } from "node:worker_threads";
import type { SimOptions } from "../SimOptions.js";
import { simulate } from "../simulate.js";

/**
 * A sweep worker: runs the points the pool sends it, one at a time, and posts each result
 * back. Messages in: `{ point, options }`; out: `{ point, result }`.
 */
const port = parentPort;
if (port === null) throw new Error("sweepWorker must run in a worker thread");
port.on("message", (message: { point: number; options: SimOptions }) => {
  port.postMessage({ point: message.point, result: simulate(message.options) });
});
