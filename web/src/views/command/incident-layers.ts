import type {
  ExpressionSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
} from "maplibre-gl";
import { perFeature, perFeatureAndZoom } from "../../layers/shared-programs.js";
import { LABEL_FONT } from "../../style/font-faces.js";

/**
 * Live layers: kept apart from the static district sources (cells, checkpoints, cameras). Two
 * plain (unclustered) GeoJSON sources, filled by LiveIncidentLayer, which clusters on the main
 * thread (decision 0128): `incidents` holds the incidents drawn as points (all of them from
 * CLUSTER_MAX_ZOOM + 1 on, else those in no cluster), `incident-clusters` the clusters. What
 * changes with an incident's status (priority colour, overdue ring, selection; a cluster's red
 * signal) is feature-state, so a status change needs no worker round trip.
 */
export const INCIDENT_SOURCE = "incidents";
export const INCIDENT_CLUSTER_SOURCE = "incident-clusters";
export const INCIDENT_LAYER = {
  clusters: "incidents-clusters",
  clusterCount: "incidents-cluster-count",
  points: "incidents-points",
} as const;

/** Up to this zoom incidents group into clusters (a district of 1,000 dots is unreadable). */
export const CLUSTER_MAX_ZOOM = 14;
/** Incidents closer than this many screen pixels group (at the map's whole zoom). */
export const CLUSTER_RADIUS_PX = 40;

export const PRIORITY_COLOR: Record<string, string> = {
  urgent: "#9b2c2c",
  high: "#e53e3e",
  normal: "#dd6b20",
  low: "#718096",
};

/** Feature-state of a point (`IncidentPointState`) and of a cluster (`ClusterState`). */
export interface IncidentPointState {
  priority: string;
  overdue: boolean;
}
export interface ClusterState {
  /** Holds a high-priority or overdue incident. */
  alert: boolean;
}

const stateFlag = (key: string): ExpressionSpecification => ["boolean", ["feature-state", key], false];

const priorityColor = [
  "match",
  ["to-string", ["coalesce", ["feature-state", "priority"], "normal"]],
  ...Object.entries(PRIORITY_COLOR).flat(),
  "#dd6b20",
] as unknown as ExpressionSpecification;

export function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: INCIDENT_LAYER.clusters,
      type: "circle",
      source: INCIDENT_CLUSTER_SOURCE,
      paint: {
        // Red when the cluster holds any high-priority or overdue incident, else orange.
        "circle-color": ["case", stateFlag("alert"), "#e53e3e", "#ed8936"],
        // Sizes per zoom and feature, colours per feature, as in the camera circles: one circle
        // shader for all of them (shared-programs.ts).
        "circle-radius": perFeatureAndZoom(["step", ["get", "count"], 12, 10, 16, 50, 22, 200, 28]),
        "circle-opacity": 0.85,
        "circle-stroke-color": perFeature("#ffffff"),
        "circle-stroke-width": perFeatureAndZoom(2),
      },
    },
    {
      id: INCIDENT_LAYER.clusterCount,
      type: "symbol",
      source: INCIDENT_CLUSTER_SOURCE,
      layout: {
        "text-field": ["get", "label"],
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
      paint: {
        "circle-color": priorityColor,
        "circle-radius": perFeatureAndZoom(["case", stateFlag("selected"), 10, 7]),
        "circle-stroke-color": ["case", stateFlag("overdue"), "#000000", "#ffffff"],
        "circle-stroke-width": perFeatureAndZoom(["case", stateFlag("selected"), 4, 2]),
      },
    },
  ];
}

const TILE_BUFFER_PX = 32;
const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

/**
 * Adds the live incident sources and layers above the static overlay. (Cells are tinted by their
 * open incidents in the cell layer itself, from feature-state this layer's owner sets.)
 */
export function addIncidentLayers(
  map: MapLibreMap,
  points: GeoJSON.FeatureCollection = EMPTY,
  clusters: GeoJSON.FeatureCollection = EMPTY,
): void {
  // A point is in every tile whose buffer reaches it, and an update reloads each of them: the
  // buffer is what the largest circle needs (a cluster: 28 px and its ring), not the default 128.
  map.addSource(INCIDENT_SOURCE, { type: "geojson", data: points, promoteId: "id", buffer: TILE_BUFFER_PX });
  map.addSource(INCIDENT_CLUSTER_SOURCE, {
    type: "geojson",
    data: clusters,
    promoteId: "key",
    buffer: TILE_BUFFER_PX,
  });
  for (const layer of incidentLayers()) map.addLayer(layer);
}

export function incidentSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource<GeoJSONSource>(INCIDENT_SOURCE);
}

export function incidentClusterSource(map: MapLibreMap): GeoJSONSource | undefined {
  return map.getSource<GeoJSONSource>(INCIDENT_CLUSTER_SOURCE);
}
