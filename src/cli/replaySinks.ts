import type { PinResult } from "../core/PinResult.js";
import type { ReplaySink } from "../trace/replayTrace.js";
import type { OutputBuffer } from "./OutputBuffer.js";
import { writeDecimal } from "./writeDecimal.js";
import { writeHex } from "./writeHex.js";

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** How a failed pin reads in the text output, after `pin VM failed: `. */
export function pinFailureText(result: Extract<PinResult<number>, { pinned: false }>): string {
  return result.reason === "no-pins-allowed"
    ? `no pins allowed (maxPinned = N - cpus - 2 = ${result.maxPinned})`
    : `limit reached (maxPinned ${result.maxPinned})`;
}

/**
 * `CPU VM VMID` per run, `flush GEN` per rollover, and per pin `pin VM VMID` or
 * `pin VM failed: why`; ids in lowercase hex.
 */
export function textReplaySink(out: OutputBuffer): ReplaySink {
  return {
    flush(generation) {
      out.write(`flush ${generation.toString(16)}\n`);
    },
    run(cpu, vm, vmid) {
      // The whole line straight into the buffer: one call per line, no string.
      const bytes = out.reserveLine();
      let end = writeDecimal(bytes, out.length, cpu);
      bytes[end++] = SPACE;
      end = writeDecimal(bytes, end, vm);
      bytes[end++] = SPACE;
      end = writeHex(bytes, end, vmid);
      bytes[end++] = NEWLINE;
      out.length = end;
    },
    pin(vm, result) {
      out.write(
        result.pinned
          ? `pin ${vm} ${result.id.toString(16)}\n`
          : `pin ${vm} failed: ${pinFailureText(result)}\n`,
      );
    },
    drained: () => out.drained(),
  };
}

/**
 * One JSON object per line: `{"type":"run",...}`, `{"type":"flush",...}` and
 * `{"type":"pin",...}` (with `vmid` and `pinCount`, or `failure` and `maxPinned`).
 */
export function jsonReplaySink(out: OutputBuffer): ReplaySink {
  return {
    flush(generation, line) {
      out.write(`{"type":"flush","line":${line},"generation":"${generation.toString(16)}"}\n`);
    },
    run(cpu, vm, vmid, line) {
      out.write(
        `{"type":"run","line":${line},"cpu":${cpu},"vm":${vm},"vmid":"${vmid.toString(16)}"}\n`,
      );
    },
    pin(vm, result, line) {
      const outcome = result.pinned
        ? `"vmid":"${result.id.toString(16)}","pinCount":${result.pinCount}`
        : `"failure":"${result.reason}","maxPinned":${result.maxPinned}`;
      out.write(`{"type":"pin","line":${line},"vm":${vm},${outcome}}\n`);
    },
    drained: () => out.drained(),
  };
}
