import type { Map as MapLibreMap } from "maplibre-gl";
import type { DistrictCounts } from "../../sources/district-sources.js";
import type { LiveHooks } from "./command-live.js";

/**
 * What the browser tests read from the running app. Kept deliberately small: the map itself (for
 * project/queryRenderedFeatures), whether the district is drawn, and counts from the API data.
 */
export interface GridOpsTestHooks {
  map: MapLibreMap;
  ready: boolean;
  /** performance.now() when the district was first drawn (the benchmark's first-render time). */
  readyAt: number | null;
  counts: DistrictCounts | null;
  /** The live incident layer and list, once the district is drawn (null without incidents:read). */
  live?: LiveHooks | null;
  /** Distinct feature ids currently loaded in a source's tiles (a feature split across tiles counts once). */
  sourceFeatureCount(sourceId: string): number;
}

declare global {
  interface Window {
    __gridops?: GridOpsTestHooks;
  }
}

export function exposeTestHooks(map: MapLibreMap): GridOpsTestHooks {
  const hooks: GridOpsTestHooks = {
    map,
    ready: false,
    readyAt: null,
    counts: null,
    sourceFeatureCount(sourceId) {
      const ids = new Set(map.querySourceFeatures(sourceId).map((feature) => feature.id));
      return ids.size;
    },
  };
  window.__gridops = hooks;
  return hooks;
}
