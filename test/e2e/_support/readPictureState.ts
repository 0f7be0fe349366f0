import type { Page } from "playwright-core";
import type { DecodedState } from "../../../src/check/decodeState.js";

/** The few DOM members the reader uses (the tests compile without the DOM's types). */
interface Node {
  getAttribute(name: string): string | null;
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
}

/**
 * The model state a `vmid view` page shows, read back from its picture's `data-` attributes
 * only (the generation, lock and flush marks, each bitmap cell, each VM id row, each CPU
 * column's fields and TLB chips, and the fields the page shows as JSON because it does not
 * know them by name), in decodeState's shape: a test compares it with the state `vmid check
 * --json` reports.
 */
export async function readPictureState(page: Page): Promise<DecodedState> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: Node }).document;
    const all = (root: Node, selector: string) => Array.from(root.querySelectorAll(selector));
    const one = (root: Node, selector: string): Node => {
      const found = root.querySelector(selector);
      if (found === null) throw new Error(`the picture has no ${selector}`);
      return found;
    };
    const attribute = (node: Node, name: string): string => {
      const value = node.getAttribute(name);
      if (value === null) throw new Error(`an element lacks ${name}`);
      return value;
    };
    const value = (root: Node, selector: string) => attribute(one(root, selector), "data-value");
    const picture = one(doc, '[data-part="picture"]');
    const cells = all(picture, "[data-part=bitmap] [data-idx]");
    const pending = value(picture, '[data-part="flush-pending"]');
    const columns = all(picture, "[data-cpu]");
    const extras = (root: Node) =>
      Object.fromEntries(
        all(root, ":scope > .extra-fields > [data-extra]").map((item) => [
          attribute(item, "data-extra"),
          JSON.parse(attribute(item, "data-value")) as unknown,
        ]),
      );
    return {
      ...extras(one(picture, ".shared")),
      generation: value(picture, '[data-part="generation"]'),
      allocatedIdx: cells
        .filter((cell) => cell.getAttribute("data-allocated") === "true")
        .map((cell) => Number(attribute(cell, "data-idx"))),
      curIdx: Number(attribute(one(picture, "[data-part=bitmap] [data-cur]"), "data-idx")),
      lockHolder: Number(value(picture, '[data-part="lock"]')),
      flushPending: pending === "" ? [] : pending.split(",").map(Number),
      active: columns.map((column) => value(column, '[data-field="active"]')),
      reserved: columns.map((column) => value(column, '[data-field="reserved"]')),
      vmIds: all(picture, "[data-vm-id]").map((row) => value(row, ".id")),
      cpus: columns.map((column) => {
        const loaded = one(column, '[data-field="loaded"]');
        return {
          ...extras(column),
          pc: value(column, '[data-field="pc"]'),
          vm: Number(value(column, '[data-field="vm"]')),
          vmid: value(column, '[data-field="vmid"]'),
          old: value(column, '[data-field="old"]'),
          loaded: {
            vm: Number(attribute(loaded, "data-vm")),
            idx: Number(attribute(loaded, "data-idx")),
          },
          tlb: all(column, "[data-tlb]").map((chip) => ({
            vm: Number(attribute(chip, "data-vm")),
            idx: Number(attribute(chip, "data-idx")),
          })),
        };
      }),
    };
  });
}
