import { escapeHtml } from "../report/escapeHtml.js";

/**
 * Fields of a decoded state this page does not know by name (a newer model's), each as its
 * name and JSON, with `data-extra` naming it and `data-value` holding the JSON: the page shows
 * every field the checker decodes.
 * Nothing when every field is known.
 */
export function renderExtraFields(value: object, known: readonly string[]): string {
  const extra = Object.entries(value).filter(([key]) => !known.includes(key));
  if (extra.length === 0) return "";
  const items = extra.map(
    ([key, field]) =>
      `<li data-extra="${escapeHtml(key)}" data-value="${escapeHtml(JSON.stringify(field))}"><code>${escapeHtml(key)}</code> ${escapeHtml(JSON.stringify(field))}</li>`,
  );
  return `<ul class="extra-fields">${items.join("")}</ul>`;
}
