/**
 * What each program counter of the step model stands for in arch/arm64/kvm/vmid.c, in a
 * line: the function and the access the CPU performs next (see Pc in src/check/stepModel.ts).
 */
export const PC_LINES: Record<string, string> = {
  idle: "outside update: the scheduler may run a VM or put its vCPU",
  readVmid: "update: vmid = atomic64_read(&kvm_vmid->id)",
  readActive: "update: old = atomic64_read(this CPU's active_vmids)",
  checkGeneration: "update: vmid_gen_match(vmid), reads the generation",
  compareExchange: "update: cmpxchg(active_vmids, old, vmid)",
  exchange: "update (xchg-fastpath mutant): xchg(active_vmids, vmid)",
  lock: "slow path: take cpu_vmid_lock, re-read the id and the generation",
  newVmid: "new_vmid: reserved check, old idx, search from cur_idx",
  bumpGeneration: "new_vmid: rollover, generation += N, clear the map",
  flushCpu: "flush_context: xchg(active_vmids[aux], 0), reserve it",
  flush: "flush_context: broadcast TLB invalidation",
  allocateAfterRollover: "new_vmid: search from idx 1, store the id",
  publish: "slow path end: active_vmids = vmid, unlock",
  enterGuest: "update returned: enter the guest (VTTBR), fill its TLB",
  putFlush: "put (deferred flush): test-and-clear the mark, flush if set",
};

/** Short labels of the actions on the timeline, with their meaning (the legend lists them). */
export const ACTION_CODES: readonly (readonly [code: string, meaning: string])[] = [
  ["uN", "update VM N starts"],
  ["rV", "readVmid"],
  ["rA", "readActive"],
  ["gm", "checkGeneration"],
  ["cx", "compareExchange"],
  ["xc", "exchange (mutant)"],
  ["L", "lock"],
  ["nv", "newVmid"],
  ["G+", "bumpGeneration (rollover)"],
  ["fc", "flushCpu"],
  ["F", "flush (broadcast)"],
  ["al", "allocateAfterRollover"],
  ["pb", "publish"],
  ["in", "enterGuest"],
  ["P", "put"],
  ["pf", "putFlush"],
  ["S", "speculative TLB fill"],
];

const CODE_OF: Record<string, string> = Object.fromEntries(
  ACTION_CODES.map(([code, meaning]) => [meaning.split(" ")[0], code]),
);

/** The timeline's short label of an action as the checker prints it. */
export function actionCode(action: string): string {
  const update = /^update VM (\d+)$/.exec(action);
  if (update !== null) return `u${update[1]}`;
  if (action.startsWith("speculative")) return "S";
  return CODE_OF[action] ?? action.slice(0, 2);
}
