/** A sweep grid's dimensions, in the order points are enumerated (the last varies fastest). */
export const GRID_DIMENSIONS = [
  "cpus",
  "bits",
  "vms",
  "vcpusPerVm",
  "churn",
  "put",
  "nested",
  "pinned",
  "popularity",
] as const;
