import type {
  ExpressionSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
} from "maplibre-gl";
import { LAYER, SOURCE } from "../../layers/ids.js";
import { LABEL_FONT } from "../../style/font-faces.js";

/** Live layers: kept apart from the static district sources (cells, checkpoints, cameras). */
export const INCIDENT_SOURCE = "incidents";
export const INCIDENT_LAYER = {
  clusters: "incidents-clusters",
  clusterCount: "incidents-cluster-count",
  points: "incidents-points",
  cellShade: "cells-incident-shade",
} as const;

/** Below this zoom incidents group into clusters (a district of 1,000 dots is unreadable). */
export const CLUSTER_MAX_ZOOM = 14;

export const PRIORITY_COLOR: Record<string, string> = {
  urgent: "#9b2c2c",
  high: "#e53e3e",
  normal: "#dd6b20",
  low: "#718096",
};

const priorityColor = [
  "match",
  ["get", "priority"],
  ...Object.entries(PRIORITY_COLOR).flat(),
  "#dd6b20",
] as unknown as ExpressionSpecification;

function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: INCIDENT_LAYER.clusters,
      type: "circle",
      source: INCIDENT_SOURCE,
      filter: ["has", "point_count"],
      paint: {
        // Red when the cluster holds any high-priority or overdue incident, else orange.
        "circle-color": ["case", [">", ["+", ["get", "high"], ["get", "overdue"]], 0], "#e53e3e", "#ed8936"],
        "circle-radius": ["step", ["get", "point_count"], 12, 10, 16, 50, 22, 200, 28],
        "circle-opacity": 0.85,
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    },
    {
      id: INCIDENT_LAYER.clusterCount,
      type: "symbol",
      source: INCIDENT_SOURCE,
      filter: ["has", "point_count"],
      layout: {
        "text-field": ["get", "point_count_abbreviated"],
        "text-font": [LABEL_FONT],
        "text-size": 12,
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#ffffff" },
    },
    {
      id: INCIDENT_LAYER.points,
      type: "circle",
      source: INCIDENT_SOURCE,
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": priorityColor,
        "circle-radius": ["case", ["boolean", ["feature-state", "selected"], false], 10, 7],
        "circle-stroke-color": ["case", ["get", "overdue"], "#000000", "#ffffff"],
        "circle-stroke-width": ["case", ["boolean", ["feature-state", "selected"], false], 4, 2],
      },
    },
  ];
}

/** Cells tinted by their open incidents, red when any is overdue (feature-state set per cell). */
function cellShadeLayer(): LayerSpecification {
  const open = ["coalesce", ["feature-state", "open"], 0] as ExpressionSpecification;
  const overdue = ["coalesce", ["feature-state", "overdue"], 0] as ExpressionSpecification;
  return {
    id: INCIDENT_LAYER.cellShade,
    type: "fill",
    source: SOURCE.cells,
    filter: ["==", ["get", "level"], "grid"],
    paint: {
      "fill-color": ["case", [">", overdue, 0], "#c53030", "#dd6b20"],
      "fill-opacity": ["case", [">", overdue, 0], 0.35, [">", open, 0], ["min", 0.3, ["*", 0.08, open]], 0],
    },
  };
}

/** Adds the live incident source and layers above the static overlay (cell shading just above the cell fill). */
export function addIncidentLayers(map: MapLibreMap, data: GeoJSON.FeatureCollection): void {
  map.addSource(INCIDENT_SOURCE, {
    type: "geojson",
    data,
    promoteId: "id",
    cluster: true,
    clusterMaxZoom: CLUSTER_MAX_ZOOM,
    clusterRadius: 40,
    clusterProperties: {
      high: ["+", ["case", ["get", "high"], 1, 0]],
      overdue: ["+", ["case", ["get", "overdue"], 1, 0]],
    },
  });
  const beforeOutline = map.getLayer(LAYER.cellOutline) ? LAYER.cellOutline : undefined;
  if (map.getSource(SOURCE.cells)) map.addLayer(cellShadeLayer(), beforeOutline);
  for (const layer of incidentLayers()) map.addLayer(layer);
}

export function incidentSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource<GeoJSONSource>(INCIDENT_SOURCE);
}
