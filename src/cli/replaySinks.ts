import type { ReplaySink } from "../trace/replayTrace.js";
import type { OutputBuffer } from "./OutputBuffer.js";

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** `CPU VM VMID` per run and `flush GEN` per rollover, ids in lowercase hex. */
export function textReplaySink(out: OutputBuffer): ReplaySink {
  return {
    flush(generation) {
      out.write(`flush ${generation.toString(16)}\n`);
    },
    run(cpu, vm, vmid) {
      out.reserveLine();
      out.decimal(cpu);
      out.byte(SPACE);
      out.decimal(vm);
      out.byte(SPACE);
      out.hex(vmid);
      out.byte(NEWLINE);
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
