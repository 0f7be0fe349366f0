import type { DecodedCpu, DecodedState } from "../check/decodeState.js";
import { escapeHtml } from "../report/escapeHtml.js";
import { isMarked, type Mark } from "./Mark.js";
import { PC_LINES } from "./pcLines.js";
import { renderExtraFields } from "./renderExtraFields.js";
import { emphasisOf, renderId, renderVmChip } from "./renderId.js";

/** The per-CPU fields of DecodedCpu this column shows by name (others: renderExtraFields). */
const KNOWN_CPU_FIELDS = ["pc", "vm", "vmid", "old", "loaded", "tlb"];

/**
 * One CPU of a model state as a column: its pc (with the line of vmid.c it stands for), the
 * update's VM and locals, `active` and `reserved`, the loaded guest (VM and idx) and its TLB
 * entries as chips coloured and labelled by VM. Every value carries `data-field` and its value
 * (`data-value`; `data-vm`/`data-idx` for the loaded guest and each TLB chip); what changed
 * since `previous` is highlighted, what `marks` names is marked.
 */
export function renderModelCpu(
  state: DecodedState,
  previous: DecodedState | undefined,
  cpu: number,
  idCount: number,
  marks: readonly Mark[],
): string {
  const now = state.cpus[cpu];
  const was = previous?.cpus[cpu];
  const rows: string[] = [];
  const row = (
    field: string,
    label: string,
    attributes: string,
    content: string,
    changed: boolean,
    offending = false,
  ) => {
    const { classes, markers } = emphasisOf({ changed: was !== undefined && changed, offending });
    rows.push(
      `<dt>${label}</dt><dd class="${classes.trim()}" data-field="${field}" ${attributes}>${content}${markers}</dd>`,
    );
  };
  const id = (hex: string, invalid: boolean) => renderId(hex, idCount, state.generation, invalid);
  const updating = isMarked(marks, { part: "update", cpu });
  row(
    "vm",
    "update of",
    `data-value="${now.vm}"`,
    renderVmChip(now.vm),
    now.vm !== was?.vm,
    updating,
  );
  row(
    "vmid",
    "local vmid",
    `data-value="${escapeHtml(now.vmid)}"`,
    id(now.vmid, false),
    now.vmid !== was?.vmid,
    updating,
  );
  row(
    "old",
    "local old",
    `data-value="${escapeHtml(now.old)}"`,
    id(now.old, true),
    now.old !== was?.old,
  );
  for (const slot of ["active", "reserved"] as const) {
    const value = state[slot][cpu];
    row(
      slot,
      slot,
      `data-value="${escapeHtml(value)}"`,
      id(value, true),
      value !== previous?.[slot][cpu],
      isMarked(marks, { part: slot, cpu }),
    );
  }
  const loaded = now.loaded;
  row(
    "loaded",
    "loaded guest",
    `data-vm="${loaded.vm}" data-idx="${loaded.idx}"`,
    loaded.vm === 0 ? renderVmChip(0) : renderVmChip(loaded.vm, ` idx ${loaded.idx}`),
    loaded.vm !== was?.loaded.vm || loaded.idx !== was?.loaded.idx,
    isMarked(marks, { part: "loaded", cpu }),
  );
  row(
    "tlb",
    "TLB",
    `data-count="${now.tlb.length}"`,
    renderTlb(now, was, cpu, marks),
    tlbKey(now) !== (was && tlbKey(was)),
  );

  const badges = [
    state.lockHolder === cpu ? '<span class="badge lock">holds lock</span>' : "",
    state.flushPending.includes(cpu) ? '<span class="badge pending">flush pending</span>' : "",
  ].join("");
  const pcChanged = was !== undefined && was.pc !== now.pc;
  const pc = emphasisOf({ changed: pcChanged, offending: updating });
  return `<section class="cpu" data-cpu="${cpu}" aria-label="CPU ${cpu}">
<h3>CPU ${cpu} ${badges}</h3>
<div class="pc${pc.classes}" data-field="pc" data-value="${escapeHtml(now.pc)}"><code>${escapeHtml(now.pc)}</code>${pc.markers}<div class="cline">${escapeHtml(PC_LINES[now.pc] ?? "")}</div></div>
<dl>${rows.join("")}</dl>${renderExtraFields(now, KNOWN_CPU_FIELDS)}
</section>`;
}

const tlbKey = (cpu: DecodedCpu) => cpu.tlb.map((e) => `${e.vm}:${e.idx}`).join();

function renderTlb(
  now: DecodedCpu,
  was: DecodedCpu | undefined,
  cpu: number,
  marks: readonly Mark[],
): string {
  if (now.tlb.length === 0) return '<span class="none">empty</span>';
  return now.tlb
    .map(({ vm, idx }) => {
      const isNew = was !== undefined && !was.tlb.some((e) => e.vm === vm && e.idx === idx);
      const { classes, markers } = emphasisOf({
        changed: isNew,
        offending: isMarked(marks, { part: "tlb", cpu, vm, idx }),
      });
      return `<span class="tlb-entry${classes}" data-tlb="true" data-vm="${vm}" data-idx="${idx}">${renderVmChip(vm, `:${idx}`)}${markers}</span>`;
    })
    .join(" ");
}
