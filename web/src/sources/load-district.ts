import { isApiError } from "../api/errors.js";
import type { GridOpsApi } from "../api/gridops-api.js";
import { boundsOf, type LonLatBounds } from "../geo/bounds.js";
import type { DistrictData } from "./district-sources.js";
import { type StaticMode, staticModeFor } from "./static-mode.js";

export type DataKind = keyof DistrictData;
export const DATA_KINDS: readonly DataKind[] = ["cells", "checkpoints", "cameras"];

/** One static layer as loaded: its whole GeoJSON, or where its vector tiles are. */
export type StaticLayer<K extends DataKind> =
  | { mode: "geojson"; data: DistrictData[K]; count: number }
  | { mode: "tiles"; tiles: string; bounds: LonLatBounds | null; count: number };

export type StaticLayers = { [K in DataKind]: StaticLayer<K> };

export interface LoadedDistrict {
  layers: StaticLayers;
  /** Kinds this user may not read (no permission, or the server answered 403); their layers stay off. */
  forbidden: DataKind[];
}

type DistrictApi = Pick<GridOpsApi, DataKind | "featureCount" | "tileJson">;

export interface LoadOptions {
  /** Forces one mode for every layer (`#/command?static=`); null decides by count. */
  override?: StaticMode | null;
  /** Origin the tile URLs start with: the page's own, so tile requests carry its session cookie. */
  origin: string;
}

const emptyCollection = <K extends DataKind>(): DistrictData[K] =>
  ({ type: "FeatureCollection", features: [] }) as DistrictData[K];

/** MapLibre fills in {z}/{x}/{y}; built by hand because URL() would percent-encode the braces. */
export const tileUrlTemplate = (origin: string, kind: DataKind) => `${origin}/tiles/${kind}/{z}/{x}/{y}.mvt`;

/**
 * Loads the kinds the user may read, in parallel: first how many features each has (a count the
 * server answers cheaply), then either the whole layer as GeoJSON or, for a large layer, its
 * TileJSON bounds. Kinds not allowed are not requested, and a 403 for one kind hides that layer
 * instead of failing the whole map; any other error fails the load so the user can retry.
 */
export async function loadDistrict(
  api: DistrictApi,
  allowed: Readonly<Record<DataKind, boolean>>,
  options: LoadOptions,
): Promise<LoadedDistrict> {
  const forbidden: DataKind[] = [];
  const load = async <K extends DataKind>(kind: K): Promise<StaticLayer<K>> => {
    const empty: StaticLayer<K> = { mode: "geojson", data: emptyCollection<K>(), count: 0 };
    if (!allowed[kind]) {
      forbidden.push(kind);
      return empty;
    }
    try {
      const count = await api.featureCount(kind);
      if (staticModeFor(kind, count, options.override ?? null) === "tiles") {
        const tileJson = await api.tileJson(kind);
        return {
          mode: "tiles",
          tiles: tileUrlTemplate(options.origin, kind),
          bounds: tileJson.bounds ?? null,
          count,
        };
      }
      // The cast is the bridge from "some kind K" to the matching client method's result.
      const data = (await api[kind]()) as DistrictData[K];
      return { mode: "geojson", data, count: data.features.length };
    } catch (error) {
      if (isApiError(error) && error.status === 403) {
        forbidden.push(kind);
        return empty;
      }
      throw error;
    }
  };
  const [cells, checkpoints, cameras] = await Promise.all([
    load("cells"),
    load("checkpoints"),
    load("cameras"),
  ]);
  forbidden.sort((a, b) => DATA_KINDS.indexOf(a) - DATA_KINDS.indexOf(b));
  return { layers: { cells, checkpoints, cameras }, forbidden };
}

/** Every static layer as GeoJSON (views that always hold their data, such as the cells editor). */
export function geojsonDistrict(data: DistrictData): LoadedDistrict {
  const layer = <K extends DataKind>(kind: K): StaticLayer<K> => ({
    mode: "geojson",
    data: data[kind],
    count: data[kind].features.length,
  });
  return {
    layers: { cells: layer("cells"), checkpoints: layer("checkpoints"), cameras: layer("cameras") },
    forbidden: [],
  };
}

export function tiledKinds(layers: StaticLayers): Set<DataKind> {
  return new Set(DATA_KINDS.filter((kind) => layers[kind].mode === "tiles"));
}

/** Bounds of everything loaded: the GeoJSON layers' features and the tiled layers' TileJSON bounds. */
export function districtBounds(layers: StaticLayers): LonLatBounds | null {
  const boxes: LonLatBounds[] = [];
  for (const kind of DATA_KINDS) {
    const layer = layers[kind];
    const box = layer.mode === "tiles" ? layer.bounds : boundsOf([layer.data]);
    if (box) boxes.push(box);
  }
  if (boxes.length === 0) return null;
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}
