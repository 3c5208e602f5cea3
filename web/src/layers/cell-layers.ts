import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { LAYER, SOURCE } from "./ids.js";
import { localizedNameExpression } from "./labels.js";
import { CELL_LEVELS, cellLevelStyle, matchExpression } from "./palette.js";
import { perFeatureAndZoom } from "./shared-programs.js";
import { NO_TILES, SELECTED, sourceRef, type TiledSources } from "./source-ref.js";

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

/** Levels whose area is tinted; the others (district, street) show only their boundary. */
const FILLED_LEVELS = CELL_LEVELS.filter((level) => cellLevelStyle[level].opacity > 0);

// Open and overdue incidents per cell, set as feature-state by the live incident layer.
const OPEN: ExpressionSpecification = ["coalesce", ["feature-state", "open"], 0];
const OVERDUE: ExpressionSpecification = ["coalesce", ["feature-state", "overdue"], 0];

/**
 * Cell areas (tinted by level, or by open incidents: orange, deeper with more, red when any is
 * overdue), boundaries (the clicked cell's drawn heavier), names, and an undrawn layer of every
 * cell for clicks. Untinted levels are left out of the drawn fill: each would cost a pass over
 * the whole district in pixels for nothing, which without a GPU is a visible part of a frame.
 */
export function cellLayers(language: Language, tiled: TiledSources = NO_TILES): LayerSpecification[] {
  const cells = sourceRef(SOURCE.cells, tiled);
  return [
    {
      id: LAYER.cellTint,
      type: "fill",
      ...cells,
      filter: ["in", ["get", "level"], ["literal", FILLED_LEVELS]],
      // Finer levels draw last so their fill sits on top of the coarser cells they subdivide.
      layout: { "fill-sort-key": LEVEL_ORDER },
      paint: {
        // The outline layer draws the boundaries; the fill's own antialiased edge would be a
        // second pass (and shader) for the same lines.
        "fill-antialias": false,
        "fill-color": [
          "case",
          [">", OVERDUE, 0],
          "#c53030",
          [">", OPEN, 0],
          "#dd6b20",
          matchExpression("level", byLevel("fill"), "#e2e8f0"),
        ],
        "fill-opacity": [
          "case",
          [">", OVERDUE, 0],
          0.45,
          [">", OPEN, 0],
          ["min", 0.4, ["+", 0.2, ["*", 0.06, OPEN]]],
          matchExpression("level", byLevel("opacity"), 0.1),
        ],
      },
    },
    {
      // Never drawn (a constant zero opacity is skipped), but queried: a click anywhere in the
      // district finds its cells, finest level first, whether or not their level is tinted.
      id: LAYER.cellFill,
      type: "fill",
      ...cells,
      paint: { "fill-opacity": 0 },
    },
    {
      id: LAYER.cellOutline,
      type: "line",
      ...cells,
      layout: { "line-join": "round" },
      paint: {
        "line-color": ["case", SELECTED, "#d53f8c", matchExpression("level", byLevel("outline"), "#a0aec0")],
        // Zoom-and-feature (the same at every zoom), as the base map's zoom-scaled lines: one line
        // shader for all of them (shared-programs.ts).
        "line-width": perFeatureAndZoom([
          "case",
          SELECTED,
          4,
          matchExpression("level", byLevel("width"), 0.5),
        ]),
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
