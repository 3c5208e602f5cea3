import type { GeoJSONSourceSpecification, SourceSpecification, VectorSourceSpecification } from "maplibre-gl";
import type { CameraCollection, CellCollection, CheckpointCollection } from "../api/gridops-api.js";
import { labelPoints } from "../geo/label-point.js";
import { SOURCE } from "../layers/ids.js";
import type { DataKind, LoadedDistrict, StaticLayer } from "./load-district.js";

export interface DistrictData {
  cells: CellCollection;
  checkpoints: CheckpointCollection;
  cameras: CameraCollection;
}

export type SourceId = (typeof SOURCE)[keyof typeof SOURCE];

/** The feature property each static layer is keyed by (feature-state, diffs, selection). */
export const PROMOTE_ID: Readonly<Record<DataKind, string>> = {
  cells: "code",
  checkpoints: "id",
  cameras: "id",
};

/**
 * Tile zoom the static layers are fetched up to; deeper views reuse these tiles. At z16 a tile
 * pixel is under a metre, finer than any cell boundary or camera position needs.
 */
export const STATIC_TILE_MAX_ZOOM = 16;

export const EMPTY_COLLECTION: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

function geojson(data: GeoJSONSourceSpecification["data"], promoteId: string): GeoJSONSourceSpecification {
  // promoteId keys features by their domain id, so later live updates can be diffs (updateData).
  return { type: "geojson", data, promoteId };
}

function staticSource<K extends DataKind>(kind: K, layer: StaticLayer<K>): SourceSpecification {
  if (layer.mode === "geojson") return geojson(layer.data, PROMOTE_ID[kind]);
  const vector: VectorSourceSpecification = {
    type: "vector",
    tiles: [layer.tiles],
    minzoom: 0,
    maxzoom: STATIC_TILE_MAX_ZOOM,
    // MVT features have no numeric id of their own: the domain id is promoted, as in GeoJSON.
    promoteId: PROMOTE_ID[kind],
  };
  if (layer.bounds) vector.bounds = layer.bounds;
  return vector;
}

/**
 * The sources the overlay layers read. Cell labels and view cones are GeoJSON in both modes: from
 * the whole layer when it is GeoJSON, else filled from the tiles in view (TileDerivedSources).
 * View cones start empty either way: they appear from street zoom and are made when first needed.
 */
export function districtSources(district: LoadedDistrict): Record<SourceId, SourceSpecification> {
  const { cells, checkpoints, cameras } = district.layers;
  return {
    [SOURCE.cells]: staticSource("cells", cells),
    [SOURCE.cellLabels]: geojson(
      cells.mode === "geojson" ? labelPoints(cells.data) : EMPTY_COLLECTION,
      "code",
    ),
    [SOURCE.checkpoints]: staticSource("checkpoints", checkpoints),
    [SOURCE.cameras]: staticSource("cameras", cameras),
    [SOURCE.cameraCones]: geojson(EMPTY_COLLECTION, "camera_id"),
  };
}

export interface DistrictCounts {
  cells: number;
  checkpoints: number;
  cameras: number;
}

export function districtCounts(district: LoadedDistrict): DistrictCounts {
  const { cells, checkpoints, cameras } = district.layers;
  return { cells: cells.count, checkpoints: checkpoints.count, cameras: cameras.count };
}
