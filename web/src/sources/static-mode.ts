import type { StaticLayerKind } from "../api/gridops-api.js";

/** How a static layer reaches the map: one GeoJSON download, or vector tiles per view. */
export type StaticMode = "geojson" | "tiles";

/**
 * From these feature counts a layer is drawn from vector tiles (docs/decisions/0125). Below them
 * the whole layer is one GeoJSON download: fewer requests, and every feature is on the client
 * (labels, view cones, bounds). Above them the download, its parsing and the copy to MapLibre's
 * worker grow with the district while tiles cost the same per view.
 */
export const TILE_THRESHOLD: Readonly<Record<StaticLayerKind, number>> = {
  cells: 2000,
  checkpoints: 5000,
  cameras: 5000,
};

export function staticModeFor(kind: StaticLayerKind, count: number, override: StaticMode | null): StaticMode {
  if (override) return override;
  return count >= TILE_THRESHOLD[kind] ? "tiles" : "geojson";
}

/**
 * `#/command?static=tiles` (or `geojson`) forces one mode for every static layer: for comparing
 * the two on one district, and for checking tiles on a district too small to switch by itself.
 */
export function staticModeOverride(params: URLSearchParams): StaticMode | null {
  const value = params.get("static");
  return value === "tiles" || value === "geojson" ? value : null;
}
