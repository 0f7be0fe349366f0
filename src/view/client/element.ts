/** The page's element with id `id`; throws when the page lacks it. */
export function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

/** Keeps keyboard focus across a re-render: the control like the one focused before (by `data-` attribute), or the given fallback. */
export function refocus(before: Element | null, fallback: string): void {
  if (!(before instanceof HTMLElement) || before.id !== "") return;
  const target =
    before.dataset.goto !== undefined
      ? (document.querySelector<HTMLElement>("#timeline [aria-current]") ??
        document.querySelector<HTMLElement>(fallback))
      : before.dataset.choice !== undefined
        ? document.querySelector<HTMLElement>("#transitions button")
        : null;
  target?.focus();
}

/**
 * Calls `handlers[key]` for the arrow, Home, End and Backspace keys (not while a modifier is
 * held), and stops the browser's own action for them.
 */
export function onKeys(handlers: Partial<Record<string, () => void>>): void {
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const handler = handlers[event.key];
    if (handler === undefined) return;
    event.preventDefault();
    handler();
  });
}
