import type { FlushPolicy } from "../core/FlushPolicy.js";
import type { StrategyName } from "../core/strategies/ReservedLookup.js";

/** One allocator configuration the simulator compares: a reserved-lookup strategy and a flush policy. */
export interface Policy {
  readonly strategy: StrategyName;
  readonly flush: FlushPolicy;
}

/** A policy's label, `strategy/flush` (e.g. `scan/broadcast`). */
export function policyLabel(policy: Policy): string {
  return `${policy.strategy}/${policy.flush}`;
}
