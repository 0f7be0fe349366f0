/**
 * How a rollover invalidates the TLBs:
 * - `broadcast` (the seed): one broadcast TLB + I-cache invalidation of every CPU, at once;
 * - `deferred` (the parent ASID allocator's `tlb_flush_pending`): the rollover only marks
 *   every CPU, and each CPU flushes its own TLB in its next slow path, before it publishes
 *   its active id. After a rollover every CPU's active id is 0, so each CPU's next update
 *   takes the slow path: no CPU runs a guest under a new generation's id before flushing.
 * Both give identical ids; they differ only in which flushes happen, and when.
 */
export const FLUSH_POLICIES = ["broadcast", "deferred"] as const;

/** `broadcast` or `deferred`. */
export type FlushPolicy = (typeof FLUSH_POLICIES)[number];
