import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap } from "maplibre-gl";
import { LABEL_FONT } from "../../style/font-faces.js";
import type { AreaGeometry } from "./cell-edit-api.js";

export const PREVIEW_SOURCE = "cell-preview";
export const PREVIEW_LAYER = {
  fill: "cell-preview-fill",
  line: "cell-preview-line",
  label: "cell-preview-label",
} as const;

/**
 * What a preview shape stands for: `result` a cell as a dry run would write it (split pieces,
 * merged cell, generated cells, repaired shape), `chosen` a neighbour picked for a merge,
 * `past` an earlier version of a cell from its history.
 */
export type PreviewRole = "result" | "chosen" | "past";

export interface PreviewShape {
  geometry: AreaGeometry;
  role: PreviewRole;
  /** Shown on the map at the shape (a cell code, a version). */
  label: string;
}

/** Preview shapes as map features; `index` alternates so neighbouring pieces get different fills. */
export function previewFeatures(shapes: readonly PreviewShape[]): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: shapes.map((shape, index) => ({
      type: "Feature",
      id: index,
      geometry: shape.geometry,
      properties: { role: shape.role, label: shape.label, tint: index % 2 },
    })),
  };
}

const layers = (): LayerSpecification[] => [
  {
    id: PREVIEW_LAYER.fill,
    type: "fill",
    source: PREVIEW_SOURCE,
    paint: {
      "fill-color": [
        "match",
        ["get", "role"],
        "past",
        "#805ad5",
        "chosen",
        "#dd6b20",
        ["case", ["==", ["get", "tint"], 0], "#38a169", "#3182ce"],
      ],
      "fill-opacity": ["match", ["get", "role"], "past", 0.15, 0.3],
    },
  },
  {
    id: PREVIEW_LAYER.line,
    type: "line",
    source: PREVIEW_SOURCE,
    paint: {
      "line-color": ["match", ["get", "role"], "past", "#553c9a", "chosen", "#c05621", "#22543d"],
      "line-width": 2.5,
      "line-dasharray": [3, 2],
    },
  },
  {
    id: PREVIEW_LAYER.label,
    type: "symbol",
    source: PREVIEW_SOURCE,
    layout: { "text-field": ["get", "label"], "text-size": 12, "text-font": [LABEL_FONT] },
    paint: { "text-color": "#1a202c", "text-halo-color": "#fff", "text-halo-width": 1.5 },
  },
];

/** Replaces the preview on the map (adds the source and layers on first use). */
export function showPreview(map: MapLibreMap, shapes: readonly PreviewShape[]): void {
  const data = previewFeatures(shapes);
  const source = map.getSource<GeoJSONSource>(PREVIEW_SOURCE);
  if (source) {
    void source.setData(data);
    return;
  }
  map.addSource(PREVIEW_SOURCE, { type: "geojson", data });
  for (const layer of layers()) map.addLayer(layer);
}
