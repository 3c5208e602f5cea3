import type { FontFacesSpecification, StyleSpecification } from "maplibre-gl";

/** Plain land-coloured background: the map needs no tile or glyph server to be useful. */
export function offlineBaseStyle(): StyleSpecification {
  return {
    version: 8,
    name: "GridOps offline",
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef1ec" } }],
  };
}

/** Adds the app's font faces to a base style, keeping any the base style declares for its own labels. */
export function withFontFaces(
  base: StyleSpecification,
  fontFaces: FontFacesSpecification,
): StyleSpecification {
  return { ...base, "font-faces": { ...base["font-faces"], ...fontFaces } };
}
