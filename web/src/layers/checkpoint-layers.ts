import type { LayerSpecification } from "maplibre-gl";
import type { Language } from "../i18n/i18n.js";
import { LABEL_FONT } from "../style/font-faces.js";
import { checkpointIconName } from "./checkpoint-icons.js";
import { LAYER, SOURCE } from "./ids.js";
import { localizedNameExpression } from "./labels.js";

/** Checkpoints as code-drawn grade icons with the grade letter on them, names from street zoom. */
export function checkpointLayers(language: Language): LayerSpecification[] {
  return [
    {
      id: LAYER.checkpointSymbol,
      type: "symbol",
      source: SOURCE.checkpoints,
      layout: {
        "icon-image": ["concat", checkpointIconName(""), ["get", "grade"]],
        "icon-allow-overlap": true,
        "icon-ignore-placement": true,
        "symbol-sort-key": ["match", ["get", "grade"], "A", 0, "B", 1, 2],
        "text-field": [
          "step",
          ["zoom"],
          ["get", "grade"],
          15,
          [
            "format",
            ["get", "grade"],
            {},
            "\n",
            {},
            localizedNameExpression(language),
            { "font-scale": 0.85 },
          ],
        ],
        "text-font": [LABEL_FONT],
        "text-size": 11,
        "text-anchor": "top",
        "text-offset": [0, -0.6],
        "text-allow-overlap": true,
        "text-optional": true,
      },
      paint: { "text-color": "#ffffff" },
    },
  ];
}
