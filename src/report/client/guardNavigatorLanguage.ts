// Imported first by main.ts, for its effect: uPlot builds its number formatter from
// navigator.language when its module is evaluated (`new Intl.NumberFormat(navigator.language)`
// in uplot/dist/uPlot.esm.js), before any option of ours is read, and Intl throws
// "Invalid language tag" for a tag such as `en-US@posix`, which headless Chromium reports
// under LANG=C.UTF-8. The page would then draw no chart at all.
import { validLocale } from "./validLocale.js";

/**
 * Makes `navigator.language` (and each of `navigator.languages`) a valid BCP 47 tag when the
 * browser reports one that `Intl` rejects, by shadowing the property on `target`. Returns the
 * language in force afterwards.
 */
export function guardNavigatorLanguage(target: Navigator): string {
  const language = validLocale(target.language);
  if (language !== target.language) {
    Object.defineProperty(target, "language", { value: language, configurable: true });
  }
  const languages = target.languages.map(validLocale);
  if (languages.some((tag, index) => tag !== target.languages[index])) {
    Object.defineProperty(target, "languages", {
      value: Object.freeze(languages),
      configurable: true,
    });
  }
  return language;
}

guardNavigatorLanguage(navigator);
