/*
 * The worked trace of docs/allocator.md#worked-trace, examples/worked.trace (bits 2: N = 4,
 * generation starts at 4, ids 1..3 usable; 2 CPUs), derived by hand:
 *
 *   run 0 1  active[0] = 0: slow path. VM 1 is new: search from curIdx 1 finds idx 1.
 *            fresh -> 4|1 = 5; curIdx 1; active[0] = 5.                      "0 1 5"
 *   run 1 2  active[1] = 0: slow path. VM 2 new: search from 1: idx 2. fresh -> 6.  "1 2 6"
 *   put 0    active[0] = INVALID (4).
 *   run 0 3  active[0] = 4 (non-zero) but VM 3's id 0 is not of generation 4: slow path.
 *            New: search from 2: idx 3. fresh -> 7; curIdx 3.                  "0 3 7"
 *   put 0    active[0] = INVALID.
 *   run 0 4  slow path (VM 4 new). Search from 3: bit 3 set, nothing below N: rollover to
 *            generation 8. flush: cpu 0 had INVALID -> reserves idx 0, reserved[0] = 4;
 *            cpu 1 had 6 -> reserves idx 2, reserved[1] = 6. Search from 1: idx 1.
 *            fresh -> 8|1 = 9; curIdx 1.                              "flush 8", "0 4 9"
 *   run 1 2  active[1] = 0 (taken by the rollover): slow path. VM 2's id 6 is stale:
 *            reserved lookup #1 finds reserved[1] == 6: reserved hit, renewed 8|2 = a.  "1 2 a"
 *   run 1 1  active[1] = a, but VM 1's id 5 is of generation 4: slow path. Reserved lookup #2:
 *            reserved = [4, a], no match. Old idx 1 is set (VM 4): no reuse. Search from
 *            curIdx 1: 1 set, 2 set, 3 clear -> fresh 8|3 = b.                      "1 1 b"
 *
 * Counters: runs 6 and puts 2 (the event lines); rollovers 1 (run 0 4); reserved hits 1
 * (run 1 2 after the rollover); fresh allocations 5 (VMs 1, 2, 3, 4 and VM 1 again); old idx
 * reused 0; fast-path hits 0 (every run found active 0 or a stale VM id); slow-path entries 6
 * (all runs); reserved lookups 2 (the two non-new stale VMs); with `scan` each lookup visits
 * both CPUs: 4 CPUs visited. Final generation 8.
 */
/** The example file, relative to the repository root and to the installed package. */
export const WORKED_FILE = "examples/worked.trace";
/** Its header and events, comments aside. */
export const WORKED_EVENTS = [
  "bits 2",
  "cpus 2",
  "run 0 1",
  "run 1 2",
  "put 0",
  "run 0 3",
  "put 0",
  "run 0 4",
  "run 1 2",
  "run 1 1",
];
/** What `vmid replay` prints for it (any strategy), derived above. */
export const WORKED_OUTPUT = "0 1 5\n1 2 6\n0 3 7\nflush 8\n0 4 9\n1 2 a\n1 1 b\n";
