import { countedLookup } from "./countedLookup.js";
import { indexedLookup } from "./indexedLookup.js";
import type { ReservedLookup, StrategyName } from "./ReservedLookup.js";
import { scanLookup } from "./scanLookup.js";

const BY_NAME: Record<StrategyName, ReservedLookup> = {
  scan: scanLookup,
  counted: countedLookup,
  indexed: indexedLookup,
};

/** The reserved-lookup strategy of that name. */
export function reservedLookupNamed(name: StrategyName): ReservedLookup {
  return BY_NAME[name];
}
