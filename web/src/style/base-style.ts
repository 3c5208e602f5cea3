import type { FontFacesSpecification, GeoJSONSourceSpecification, StyleSpecification } from "maplibre-gl";
import { z } from "zod";

/** The offline style's source that draws district land and street boundaries from the cells. */
export const BASE_CELLS_SOURCE = "gridops-cells";

const styleDocumentSchema = z
  .object({ version: z.literal(8), sources: z.record(z.string(), z.unknown()), layers: z.array(z.unknown()) })
  .passthrough();

/** Checks the parts of a style document this app relies on; MapLibre validates the rest itself. */
export function asStyleDocument(value: unknown): StyleSpecification | null {
  const parsed = styleDocumentSchema.safeParse(value);
  // Checked above for version, sources and layers; the full document is MapLibre's to validate.
  return parsed.success ? (parsed.data as unknown as StyleSpecification) : null;
}

/**
 * Makes gis-data's offline style usable in the app: its placeholder GeoJSON URLs are resolved
 * against the app's base URL, except the cells, which come from the API once loaded (so the land
 * and boundaries match whatever district this server holds).
 */
export function prepareOfflineStyle(style: StyleSpecification, appBaseUrl: string): StyleSpecification {
  const sources: StyleSpecification["sources"] = {};
  for (const [id, source] of Object.entries(style.sources)) {
    if (source.type !== "geojson" || typeof source.data !== "string") {
      sources[id] = source;
      continue;
    }
    const data: GeoJSONSourceSpecification["data"] =
      id === BASE_CELLS_SOURCE
        ? { type: "FeatureCollection", features: [] }
        : new URL(source.data, appBaseUrl).href;
    sources[id] = { ...source, data };
  }
  return { ...style, sources };
}

/** Last resort when no style document is usable: a plain land-coloured background. */
export function backgroundOnlyStyle(): StyleSpecification {
  return {
    version: 8,
    name: "GridOps background",
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eceae4" } }],
  };
}

/** Adds the app's font faces to a base style, keeping any the base style declares for its own labels. */
export function withFontFaces(
  base: StyleSpecification,
  fontFaces: FontFacesSpecification,
): StyleSpecification {
  return { ...base, "font-faces": { ...base["font-faces"], ...fontFaces } };
}
