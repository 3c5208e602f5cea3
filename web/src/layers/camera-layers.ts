import type { ExpressionSpecification, LayerSpecification } from "maplibre-gl";
import { LABEL_FONT } from "../style/font-faces.js";
import { LAYER, SOURCE } from "./ids.js";
import { cameraStatusColor, matchExpression } from "./palette.js";
import { perFeature, perFeatureAndZoom, zoomStopsPerFeature } from "./shared-programs.js";
import { NO_TILES, SELECTED, sourceRef, type TiledSources } from "./source-ref.js";

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
      // Opacity and width per feature (and zoom), as in the cell fills and outlines: shared shaders.
      // No antialiased edge (a second pass and shader): the outline layer draws it.
      paint: { "fill-antialias": false, "fill-color": statusColor, "fill-opacity": perFeature(0.18) },
    },
    {
      id: LAYER.coneOutline,
      type: "line",
      source: SOURCE.cameraCones,
      minzoom: CONE_MIN_ZOOM,
      paint: { "line-color": statusColor, "line-width": perFeatureAndZoom(0.8), "line-opacity": 0.6 },
    },
  ];
}

/** Vector tiles mark their clusters (below zoom 14) with `cluster: true`; GeoJSON has none. */
const IS_CLUSTER: ExpressionSpecification = ["==", ["get", "cluster"], true];

export function cameraLayers(tiled: TiledSources = NO_TILES): LayerSpecification[] {
  const source = sourceRef(SOURCE.cameras, tiled);
  const single: LayerSpecification = {
    id: LAYER.cameraCircle,
    type: "circle",
    ...source,
    paint: {
      "circle-color": statusColor,
      // Circle properties are fed the same way in every circle layer (colours per feature, sizes
      // per zoom and feature), so cameras and incidents share one shader (shared-programs.ts).
      "circle-radius":
        zoomStopsPerFeature(["interpolate", ["linear"], ["zoom"], 10, 2.5, 14, 4.5, 17, 7]) ?? 4.5,
      "circle-stroke-color": ["case", SELECTED, "#1a202c", "#ffffff"],
      // Zoom must be the outermost input, so the selection case sits inside each stop.
      "circle-stroke-width": [
        "interpolate",
        ["linear"],
        ["zoom"],
        10,
        ["case", SELECTED, 3, 0.5],
        15,
        ["case", SELECTED, 3, 1.5],
      ],
    },
  };
  if (!tiled.has(SOURCE.cameras)) return [single];
  return [{ ...single, filter: ["!", IS_CLUSTER] }, ...cameraClusterLayers(source)];
}

/**
 * The server's camera clusters: size by count, colour by the share of faulty cameras in them
 * (none: online green, some: degraded amber, half or more: offline red), the count on top.
 */
function cameraClusterLayers(source: ReturnType<typeof sourceRef>): LayerSpecification[] {
  const faultyShare: ExpressionSpecification = ["/", ["get", "faulty"], ["max", 1, ["get", "count"]]];
  return [
    {
      id: LAYER.cameraCluster,
      type: "circle",
      ...source,
      filter: IS_CLUSTER,
      paint: {
        "circle-color": [
          "case",
          [">=", faultyShare, 0.5],
          cameraStatusColor.offline,
          [">", ["get", "faulty"], 0],
          cameraStatusColor.degraded,
          cameraStatusColor.online,
        ],
        "circle-radius": perFeatureAndZoom(["step", ["get", "count"], 7, 10, 10, 50, 13, 200, 16]),
        "circle-opacity": 0.85,
        "circle-stroke-color": perFeature("#ffffff"),
        "circle-stroke-width": perFeatureAndZoom(1.5),
      },
    },
    {
      id: LAYER.cameraClusterCount,
      type: "symbol",
      ...source,
      filter: IS_CLUSTER,
      layout: {
        "text-field": ["to-string", ["get", "count"]],
        "text-font": [LABEL_FONT],
        "text-size": 10,
        "text-allow-overlap": true,
        "text-ignore-placement": true,
      },
      paint: { "text-color": perFeature("#ffffff") },
    },
  ];
}
