import type { FontFacesSpecification } from "maplibre-gl";

/** The one font name every GridOps label layer asks for in `text-font`. */
export const LABEL_FONT = "Noto Sans SC Regular";

/** Where the app serves the bundled Noto Sans SC subsets, relative to its base URL. */
export const FONT_DIRECTORY = "fonts/noto-sans-sc/";

/** Subsets that hold Latin text; listed first so "A-12" labels never pull in a CJK subset. */
const LATIN_FIRST = ["latin", "latin-ext"];

/** Fontsource's file name for one subset key of unicode.json ("[12]" or "latin"), weight 400. */
export function notoSansScFileName(subsetKey: string): string {
  const subset = subsetKey.replace(/^\[(\d+)\]$/, "$1");
  if (!/^[a-z0-9-]+$/.test(subset)) throw new Error(`Unexpected font subset key "${subsetKey}"`);
  return `noto-sans-sc-${subset}-400-normal.woff2`;
}

/** Splits a CSS `unicode-range` list ("U+0-FF,U+131") into the entries the style spec wants. */
export function unicodeRanges(cssList: string): string[] {
  return cssList
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

function subsetOrder(key: string): number {
  const latin = LATIN_FIRST.indexOf(key);
  if (latin >= 0) return latin - LATIN_FIRST.length;
  const numbered = /^\[(\d+)\]$/.exec(key);
  return numbered ? Number(numbered[1]) : 10_000;
}

/**
 * The style's `font-faces` entry for the bundled Noto Sans SC: one declaration per subset file with
 * its Unicode ranges, so MapLibre downloads only the subsets whose characters the labels use.
 */
export function notoSansScFontFaces(
  subsets: Readonly<Record<string, string>>,
  directoryUrl: string,
): FontFacesSpecification {
  const keys = Object.keys(subsets).sort((a, b) => subsetOrder(a) - subsetOrder(b) || a.localeCompare(b));
  return {
    [LABEL_FONT]: keys.map((key) => ({
      url: new URL(notoSansScFileName(key), directoryUrl).href,
      "unicode-range": unicodeRanges(subsets[key] ?? ""),
    })),
  };
}
