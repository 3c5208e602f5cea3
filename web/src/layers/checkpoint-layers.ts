import type { LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { checkpointIconName } from "./checkpoint-icons.js";
import { LAYER, SOURCE } from "./ids.js";
import { localizedNameExpression } from "./labels.js";
import { perFeature } from "./shared-programs.js";
import { NO_TILES, sourceRef, type TiledSources } from "./source-ref.js";

/** Zoom from which checkpoint names show under their icons. */
export const CHECKPOINT_LABEL_MIN_ZOOM = 14;

/** Checkpoints as code-drawn grade icons with the grade letter on them, and their names from street zoom. */
export function checkpointLayers(language: Language, tiled: TiledSources = NO_TILES): LayerSpecification[] {
  const checkpoints = sourceRef(SOURCE.checkpoints, tiled);
  return [
    {
      id: LAYER.checkpointSymbol,
      type: "symbol",
      ...checkpoints,
      layout: {
        "icon-image": ["concat", checkpointIconName(""), ["get", "grade"]],
        "icon-allow-overlap": true,
        "icon-ignore-placement": true,
        "symbol-sort-key": ["match", ["get", "grade"], "A", 0, "B", 1, 2],
        "text-field": ["get", "grade"],
        "text-font": [LABEL_FONT],
        "text-size": ["match", ["get", "grade"], "A", 12, "B", 11, 9],
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
