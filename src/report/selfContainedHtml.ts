import { escapeHtml } from "./escapeHtml.js";

/** The pages' content policy: inline script and style only, nothing fetched. */
export const CONTENT_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/**
 * The start of a self-contained page, up to `</head>`: the content policy, the title and each
 * stylesheet inlined. The report and the `vmid view` page both start with it.
 */
export function pageHead(title: string, styles: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${styles.map((style) => `<style>${insideTag(style, "style")}</style>`).join("\n")}
</head>`;
}

/** JSON that cannot end its `<script>` element: every `<` becomes `\u003c`. */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** Code or CSS that cannot close its element early (`</script` would). */
export function insideTag(text: string, tag: "script" | "style"): string {
  return text.replaceAll(`</${tag}`, `<\\/${tag}`);
}
