import { emphasisOf, renderId, renderVmChip } from "./renderId.js";

/** Each VM's id: `[vm, hex id]`, ascending by VM. */
export type VmIdList = readonly (readonly [vm: number, id: string])[];

/**
 * Each VM's id (`kvm_vmid->id`) as generation | idx, ids of an older generation greyed and
 * labelled "old". Rows carry `data-vm-id` (the VM) and the id's `data-value`; a changed row
 * is highlighted, VMs in `offending` are marked.
 */
export function renderVmIds(
  vmIds: VmIdList,
  previous: VmIdList | undefined,
  idCount: number,
  generation: string,
  offending: readonly number[] = [],
): string {
  const rows = vmIds.map(([vm, id]) => {
    const was = previous?.find(([v]) => v === vm)?.[1];
    const { classes, markers } = emphasisOf({
      changed: previous !== undefined && was !== id,
      offending: offending.includes(vm),
    });
    return `<li class="vm-id${classes}" data-vm-id="${vm}">${renderVmChip(vm)} ${renderId(id, idCount, generation, false)}${markers}</li>`;
  });
  return `<div class="vm-ids-wrap"><h3>VM ids</h3><ul class="vm-ids" data-part="vm-ids">${rows.join("")}</ul></div>`;
}
