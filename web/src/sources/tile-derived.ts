import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from "geojson";
import { labelPoint } from "../geo/label-point.js";

/** A feature as MapLibre returns it from loaded tiles: one tile's piece of it, in lon/lat. */
export interface TilePiece {
  id?: string | number | undefined;
  geometry: Geometry;
  properties: Readonly<Record<string, unknown>>;
}

type CellLabelProperties = Record<string, unknown> & { code: string };

function polygonsOf(geometry: Geometry): Position[][][] {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

/**
 * One label point per cell from the tiles in view. A cell crossing tiles arrives as one piece per
 * tile; the pieces are put together (as one MultiPolygon) and labelled once on its largest part,
 * so a name is not repeated in every tile, as MapLibre would do labelling the tiles themselves.
 */
export function labelsFromTilePieces(
  pieces: readonly TilePiece[],
): FeatureCollection<Point, CellLabelProperties> {
  const byCode = new Map<
    string,
    { properties: Readonly<Record<string, unknown>>; polygons: Position[][][] }
  >();
  for (const piece of pieces) {
    const code = piece.properties.code;
    if (typeof code !== "string") continue;
    const entry = byCode.get(code) ?? { properties: piece.properties, polygons: [] };
    entry.polygons.push(...polygonsOf(piece.geometry));
    byCode.set(code, entry);
  }
  const features: Feature<Point, CellLabelProperties>[] = [];
  for (const [code, { properties, polygons }] of byCode) {
    const geometry: MultiPolygon | Polygon = { type: "MultiPolygon", coordinates: polygons };
    const point = polygons.length > 0 ? labelPoint(geometry) : null;
    if (!point) continue;
    features.push({
      type: "Feature",
      id: code,
      geometry: { type: "Point", coordinates: point },
      properties: { ...properties, code },
    });
  }
  features.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  return { type: "FeatureCollection", features };
}

export interface TileCameraProperties {
  id: string;
  bearing?: number | null;
  fov_deg?: number | null;
  range_m?: number | null;
  status: string;
}

const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The single cameras among tile features (clusters left out), once each, as input for view cones. */
export function camerasFromTiles(
  pieces: readonly TilePiece[],
): FeatureCollection<Point, TileCameraProperties> {
  const byId = new Map<string, Feature<Point, TileCameraProperties>>();
  for (const piece of pieces) {
    const { properties, geometry } = piece;
    const id = properties.id;
    if (properties.cluster === true || typeof id !== "string" || geometry.type !== "Point" || byId.has(id))
      continue;
    byId.set(id, {
      type: "Feature",
      id,
      geometry,
      properties: {
        id,
        bearing: numberOrNull(properties.bearing),
        fov_deg: numberOrNull(properties.fov_deg),
        range_m: numberOrNull(properties.range_m),
        status: typeof properties.status === "string" ? properties.status : "unknown",
      },
    });
  }
  return { type: "FeatureCollection", features: [...byId.values()] };
}

/** A cheap fingerprint of a derived collection, so an unchanged view does not re-send its data. */
export function fingerprint(collection: FeatureCollection): string {
  let text = "";
  for (const feature of collection.features) {
    const geometry = feature.geometry;
    const at = geometry.type === "Point" ? geometry.coordinates.map((c) => c.toFixed(6)).join(",") : "";
    text += `${String(feature.id)}@${at};`;
  }
  return text;
}
