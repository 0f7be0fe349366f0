import type { ReplaySink } from "../trace/replayTrace.js";
import type { OutputBuffer } from "./OutputBuffer.js";
import { writeDecimal } from "./writeDecimal.js";
import { writeHex } from "./writeHex.js";

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** `CPU VM VMID` per run and `flush GEN` per rollover, ids in lowercase hex. */
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
    drained: () => out.drained(),
  };
}

/** One JSON object per line: `{"type":"run",...}` and `{"type":"flush",...}`. */
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
    drained: () => out.drained(),
  };
}
