import type {
  ExpressionSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
} from "maplibre-gl";
import { perFeature, perFeatureAndZoom } from "../../layers/shared-programs.js";
import { LABEL_FONT } from "../../style/font-faces.js";

/** Live layers: kept apart from the static district sources (cells, checkpoints, cameras). */
export const INCIDENT_SOURCE = "incidents";
export const INCIDENT_LAYER = {
  clusters: "incidents-clusters",
  clusterCount: "incidents-cluster-count",
  points: "incidents-points",
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

export function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: INCIDENT_LAYER.clusters,
      type: "circle",
      source: INCIDENT_SOURCE,
      filter: ["has", "point_count"],
      paint: {
        // Red when the cluster holds any high-priority or overdue incident, else orange.
        "circle-color": ["case", [">", ["+", ["get", "high"], ["get", "overdue"]], 0], "#e53e3e", "#ed8936"],
        // Sizes per zoom and feature, colours per feature, as in the camera circles: one circle
        // shader for all of them (shared-programs.ts).
        "circle-radius": perFeatureAndZoom(["step", ["get", "point_count"], 12, 10, 16, 50, 22, 200, 28]),
        "circle-opacity": 0.85,
        "circle-stroke-color": perFeature("#ffffff"),
        "circle-stroke-width": perFeatureAndZoom(2),
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
      paint: { "text-color": perFeature("#ffffff") },
    },
    {
      id: INCIDENT_LAYER.points,
      type: "circle",
      source: INCIDENT_SOURCE,
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": priorityColor,
        "circle-radius": perFeatureAndZoom([
          "case",
          ["boolean", ["feature-state", "selected"], false],
          10,
          7,
        ]),
        "circle-stroke-color": ["case", ["get", "overdue"], "#000000", "#ffffff"],
        "circle-stroke-width": perFeatureAndZoom([
          "case",
          ["boolean", ["feature-state", "selected"], false],
          4,
          2,
        ]),
      },
    },
  ];
}

/**
 * Adds the live incident source and layers above the static overlay. (Cells are tinted by their
 * open incidents in the cell layer itself, from feature-state this layer's owner sets.)
 */
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
  for (const layer of incidentLayers()) map.addLayer(layer);
}

export function incidentSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource<GeoJSONSource>(INCIDENT_SOURCE);
}
