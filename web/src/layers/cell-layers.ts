import type { LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { LAYER, SOURCE } from "./ids.js";
import { localizedNameExpression } from "./labels.js";
import { CELL_LEVELS, cellLevelStyle, matchExpression } from "./palette.js";

const byLevel = <K extends "outline" | "width" | "fill" | "opacity">(key: K) =>
  Object.fromEntries(CELL_LEVELS.map((level) => [level, cellLevelStyle[level][key]]));

/** Zoom from which each level's labels appear, so the map is never a wall of names. */
export const CELL_LABEL_MIN_ZOOM: Record<string, number> = {
  district: 0,
  street: 11,
  community: 13,
  grid: 15,
};

/** Zoom from which each level's labels hide again, once the finer levels' names take over. */
export const CELL_LABEL_MAX_ZOOM: Record<string, number> = {
  district: 14,
  street: 16,
  community: 24,
  grid: 24,
};

const LEVEL_ORDER = matchExpression("level", { district: 0, street: 1, community: 2, grid: 3 }, 4);

export function cellLayers(language: Language): LayerSpecification[] {
  return [
    {
      id: LAYER.cellFill,
      type: "fill",
      source: SOURCE.cells,
      // Finer levels draw last so their fill sits on top of the coarser cells they subdivide.
      layout: { "fill-sort-key": LEVEL_ORDER },
      paint: {
        "fill-color": matchExpression("level", byLevel("fill"), "#e2e8f0"),
        "fill-opacity": matchExpression("level", byLevel("opacity"), 0.1),
      },
    },
    {
      id: LAYER.cellOutline,
      type: "line",
      source: SOURCE.cells,
      layout: { "line-join": "round" },
      paint: {
        "line-color": matchExpression("level", byLevel("outline"), "#a0aec0"),
        "line-width": matchExpression("level", byLevel("width"), 0.5),
      },
    },
    {
      id: LAYER.cellLabel,
      type: "symbol",
      source: SOURCE.cellLabels,
      filter: [
        "all",
        [">=", ["zoom"], matchExpression("level", CELL_LABEL_MIN_ZOOM, 16)],
        ["<", ["zoom"], matchExpression("level", CELL_LABEL_MAX_ZOOM, 24)],
      ],
      layout: {
        "text-field": localizedNameExpression(language),
        "text-font": [LABEL_FONT],
        "text-size": matchExpression("level", { district: 18, street: 15, community: 13, grid: 11 }, 11),
        "symbol-sort-key": LEVEL_ORDER,
        "text-max-width": 8,
      },
      paint: {
        "text-color": matchExpression("level", byLevel("outline"), "#2d3748"),
        "text-halo-color": "#ffffff",
        "text-halo-width": 1.5,
      },
    },
  ];
}
