import subsets from "@fontsource/noto-sans-sc/unicode.json" with { type: "json" };
import type { FontFacesSpecification } from "maplibre-gl";
import { FONT_DIRECTORY, notoSansScFontFaces } from "./font-faces.js";

/** Font faces for the subsets the build copies into `fonts/noto-sans-sc/` (see web/build/font-assets.ts). */
export function bundledFontFaces(appBaseUrl: string): FontFacesSpecification {
  return notoSansScFontFaces(subsets, new URL(FONT_DIRECTORY, appBaseUrl).href);
}
