import type { DecodedState } from "../check/decodeState.js";
import { changes } from "../cli/formatCheckResult.js";

/**
 * What a step changes, in words: first each CPU whose program counter moved (`cpu0
 * idle->readVmid, update of vm2`), which the counterexample text leaves to its action column,
 * then the state changes as the counterexample text words them (formatCheckResult's
 * `changes`).
 */
export function describeStep(before: DecodedState, after: DecodedState): string[] {
  const moved: string[] = [];
  after.cpus.forEach((cpu, c) => {
    const was = before.cpus[c];
    if (cpu.pc === was.pc && cpu.vm === was.vm) return;
    const update = cpu.vm !== was.vm && cpu.vm !== 0 ? `, update of vm${cpu.vm}` : "";
    moved.push(`cpu${c} ${was.pc}->${cpu.pc}${update}`);
  });
  return [...moved, ...changes(before, after)];
}
