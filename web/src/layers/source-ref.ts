import type { ExpressionSpecification } from "maplibre-gl";
import { SOURCE_LAYER } from "./ids.js";

/** Ids of the static sources drawn from vector tiles on this map (empty: all GeoJSON). */
export type TiledSources = ReadonlySet<string>;

export const NO_TILES: TiledSources = new Set();

/** A layer's `source`, plus the tile layer to read when that source is vector tiles. */
export function sourceRef(source: string, tiled: TiledSources): { source: string; "source-layer"?: string } {
  const sourceLayer = tiled.has(source) ? SOURCE_LAYER[source] : undefined;
  return sourceLayer ? { source, "source-layer": sourceLayer } : { source };
}

/** True while the feature is the one the user clicked (feature-state `selected`). */
export const SELECTED: ExpressionSpecification = ["boolean", ["feature-state", "selected"], false];
