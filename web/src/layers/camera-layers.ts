import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import { LAYER, SOURCE } from "./ids.js";
import { cameraStatusColor, matchExpression } from "./palette.js";

/** Cones appear only from this zoom: below it they merge into noise and cost draw time. */
export const CONE_MIN_ZOOM = 15;

// The live camera.status stream sets feature-state "status" on the static camera source; the
// loaded property is the fallback until the first live change.
const statusColor = liveMatch("status", cameraStatusColor, cameraStatusColor.unknown);

function liveMatch(
  property: string,
  table: Readonly<Record<string, string>>,
  fallback: string,
): ExpressionSpecification {
  const expression = matchExpression(property, table, fallback) as unknown[];
  expression[1] = ["coalesce", ["feature-state", property], ["get", property]];
  return expression as ExpressionSpecification;
}

export function cameraConeLayers(): LayerSpecification[] {
  return [
    {
      id: LAYER.coneFill,
      type: "fill",
      source: SOURCE.cameraCones,
      minzoom: CONE_MIN_ZOOM,
      paint: { "fill-color": statusColor, "fill-opacity": 0.18 },
    },
    {
      id: LAYER.coneOutline,
      type: "line",
      source: SOURCE.cameraCones,
      minzoom: CONE_MIN_ZOOM,
      paint: { "line-color": statusColor, "line-width": 0.8, "line-opacity": 0.6 },
    },
  ];
}

export function cameraLayers(): LayerSpecification[] {
  return [
    {
      id: LAYER.cameraCircle,
      type: "circle",
      source: SOURCE.cameras,
      paint: {
        "circle-color": statusColor,
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 2.5, 14, 4.5, 17, 7],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 15, 1.5],
      },
    },
  ];
}
