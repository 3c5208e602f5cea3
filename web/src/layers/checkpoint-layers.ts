import type { LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { LAYER, SOURCE } from "./ids.js";
import { localizedNameExpression } from "./labels.js";
import { CHECKPOINT_GRADES, type CheckpointGrade, checkpointGradeStyle, matchExpression } from "./palette.js";
import { perFeature, perFeatureAndZoom } from "./shared-programs.js";
import { NO_TILES, sourceRef, type TiledSources } from "./source-ref.js";

/** The white ring around a checkpoint's disc, in pixels. */
const RING_PX = 2;

/** Zoom from which checkpoint names show under their markers. */
export const CHECKPOINT_LABEL_MIN_ZOOM = 14;

/**
 * Checkpoints as grade markers: a disc in the grade's colour with a white ring (a circle layer,
 * drawn by the same shader as cameras and incidents) and the grade letter on it; their names
 * from street zoom. (They were icons: one more shader program to compile in the first frame,
 * ~60 ms without a GPU, decision 0127, for what a circle draws the same.)
 */
export function checkpointLayers(language: Language, tiled: TiledSources = NO_TILES): LayerSpecification[] {
  const checkpoints = sourceRef(SOURCE.checkpoints, tiled);
  const byGrade = <T extends string | number>(pick: (grade: CheckpointGrade) => T, fallback: T) =>
    matchExpression("grade", Object.fromEntries(CHECKPOINT_GRADES.map((g) => [g, pick(g)])), fallback);
  return [
    {
      id: LAYER.checkpointSymbol,
      type: "circle",
      ...checkpoints,
      // A over B over C where they meet.
      layout: { "circle-sort-key": byGrade((g) => ({ A: 2, B: 1, C: 0 })[g], 0) },
      paint: {
        "circle-color": byGrade((g) => checkpointGradeStyle[g].color, checkpointGradeStyle.C.color),
        // Fed like every other circle layer (shared-programs.ts): sizes per zoom and feature.
        "circle-radius": perFeatureAndZoom(
          byGrade(
            (g) => checkpointGradeStyle[g].radiusPx - RING_PX,
            checkpointGradeStyle.C.radiusPx - RING_PX,
          ),
        ),
        "circle-stroke-color": perFeature("#ffffff"),
        "circle-stroke-width": perFeatureAndZoom(RING_PX),
      },
    },
    {
      id: LAYER.checkpointGrade,
      type: "symbol",
      ...checkpoints,
      layout: {
        "symbol-sort-key": byGrade((g) => ({ A: 0, B: 1, C: 2 })[g], 2),
        "text-field": ["get", "grade"],
        "text-font": [LABEL_FONT],
        "text-size": byGrade((g) => ({ A: 12, B: 11, C: 9 })[g], 9),
        "text-allow-overlap": true,
        "text-ignore-placement": true,
      },
      // Per feature, like the cell names' colour: one text shader for both (shared-programs.ts).
      paint: { "text-color": perFeature("#ffffff") },
    },
    {
      id: LAYER.checkpointLabel,
      type: "symbol",
      ...checkpoints,
      minzoom: CHECKPOINT_LABEL_MIN_ZOOM,
      layout: {
        "text-field": localizedNameExpression(language),
        "text-font": [LABEL_FONT],
        "text-size": 12,
        "text-anchor": "top",
        "text-offset": [0, 1.1],
        "text-max-width": 10,
        "text-optional": true,
      },
      paint: { "text-color": perFeature("#742a2a"), "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
    },
  ];
}
