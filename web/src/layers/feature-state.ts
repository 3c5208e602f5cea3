import type { FeatureIdentifier, Map as MapLibreMap } from "maplibre-gl";
import { SOURCE_LAYER } from "./ids.js";

/**
 * Where feature-state for one feature lives: on a GeoJSON source by id alone, on a vector-tile
 * source also by its tile layer (MapLibre requires `sourceLayer` there). Null while the source
 * is not on the map. Either way the id is the promoted domain id (cell code, camera id).
 */
export function stateTarget(map: MapLibreMap, source: string, id: string | number): FeatureIdentifier | null {
  const spec = map.getSource(source);
  if (!spec) return null;
  const sourceLayer = spec.type === "vector" ? SOURCE_LAYER[source] : undefined;
  return sourceLayer ? { source, sourceLayer, id } : { source, id };
}

export function setStaticState(
  map: MapLibreMap,
  source: string,
  id: string | number,
  state: Record<string, unknown>,
): void {
  const target = stateTarget(map, source, id);
  if (target) map.setFeatureState(target, state);
}
