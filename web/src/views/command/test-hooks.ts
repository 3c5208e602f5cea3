import type { Map as MapLibreMap } from "maplibre-gl";
import { LAYER } from "../../layers/ids.js";
import type { DistrictCounts } from "../../sources/district-sources.js";
import type { DataKind } from "../../sources/load-district.js";
import type { StaticMode } from "../../sources/static-mode.js";
import type { LiveHooks } from "./command-live.js";
import { INCIDENT_LAYER } from "./incident-layers.js";

/**
 * What the browser tests read from the running app. Kept deliberately small: the map itself (for
 * project/queryRenderedFeatures), whether the district is drawn, and counts from the API data.
 */
export interface GridOpsTestHooks {
  map: MapLibreMap;
  /** The district and the incident snapshot are on the map and a frame with all of it was drawn. */
  ready: boolean;
  /** performance.now() when `ready` first became true on this page (the benchmark's first render). */
  readyAt: number | null;
  /** Features each overlay layer had on screen in that first drawn frame (layer id → count). */
  renderedAtReady: Record<string, number> | null;
  counts: DistrictCounts | null;
  /** How each static layer was loaded: whole GeoJSON or vector tiles. */
  staticModes: Record<DataKind, StaticMode> | null;
  /** The live incident layer and list, once the district is drawn (null without incidents:read). */
  live?: LiveHooks | null;
  /** Distinct feature ids currently loaded in a source's tiles (a feature split across tiles counts once). */
  sourceFeatureCount(sourceId: string, sourceLayer?: string): number;
}

declare global {
  interface Window {
    __gridops?: GridOpsTestHooks;
  }
}

/** The layers whose features the first-render check counts (one of each kind of thing drawn). */
const COUNTED_LAYERS = [
  LAYER.cellTint,
  LAYER.cellOutline,
  LAYER.cellLabel,
  LAYER.checkpointSymbol,
  LAYER.cameraCircle,
  LAYER.cameraCluster,
  INCIDENT_LAYER.points,
  INCIDENT_LAYER.clusters,
];

export function exposeTestHooks(map: MapLibreMap): GridOpsTestHooks {
  const hooks: GridOpsTestHooks = {
    map,
    ready: false,
    readyAt: null,
    renderedAtReady: null,
    counts: null,
    staticModes: null,
    sourceFeatureCount(sourceId, sourceLayer) {
      const features = map.querySourceFeatures(sourceId, sourceLayer ? { sourceLayer } : {});
      return new Set(features.map((feature) => feature.id)).size;
    },
  };
  window.__gridops = hooks;
  return hooks;
}

/** Marks the district drawn; the first time on this page, also when and what was on screen. */
export function markFirstRender(hooks: GridOpsTestHooks): void {
  hooks.ready = true;
  if (hooks.readyAt !== null) return;
  hooks.readyAt = performance.now();
  const layers = COUNTED_LAYERS.filter((id) => hooks.map.getLayer(id));
  const counts: Record<string, number> = Object.fromEntries(layers.map((id) => [id, 0]));
  for (const feature of hooks.map.queryRenderedFeatures({ layers })) {
    counts[feature.layer.id] = (counts[feature.layer.id] ?? 0) + 1;
  }
  hooks.renderedAtReady = counts;
}
