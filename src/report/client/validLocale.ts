/** The locale used when a tag cannot be made valid. */
export const FALLBACK_LOCALE = "en-US";

function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * `tag` as a valid BCP 47 language tag that `Intl` accepts: itself when valid; else its
 * POSIX form with the codeset and modifier dropped and `_` made `-` (`en-US@posix` and
 * `en_US.UTF-8` give `en-US`, as headless Chromium under `LANG=C.UTF-8` reports the
 * former); else {@link FALLBACK_LOCALE} (`C`, `C.UTF-8`, the empty string).
 */
export function validLocale(tag: string): string {
  if (canonical(tag) !== undefined) return tag;
  return canonical(tag.replace(/[.@].*$/, "").replaceAll("_", "-")) ?? FALLBACK_LOCALE;
}
