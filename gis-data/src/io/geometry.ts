import { CellIoError, type FeatureLocation } from "./errors.js";

/** [x, y]: longitude/latitude in WGS 84 once converted, or the file's own units before. */
export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

export interface MultiPolygonGeometry {
  type: "MultiPolygon";
  coordinates: MultiPolygonCoords;
}

/** One cell as read from or written to a file, geometry in WGS 84. */
export interface CellRecord {
  code: string;
  name: string;
  name_en: string | null;
  level: string | null;
  parent_code: string | null;
  geometry: MultiPolygonGeometry;
  /** 1-based position in the file, for error messages. */
  row: number;
}

/** Polygon or MultiPolygon → MultiPolygon; anything else is refused naming the feature. */
export function toMultiPolygon(geometry: unknown, at: FeatureLocation): MultiPolygonGeometry {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== "object") {
    throw new CellIoError(
      "invalid_geometry_type",
      "has no geometry; a cell needs a Polygon or MultiPolygon",
      at,
    );
  }
  if (g.type === "Polygon") return { type: "MultiPolygon", coordinates: [readPolygon(g.coordinates, at)] };
  if (g.type === "MultiPolygon") {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
      throw new CellIoError("invalid_coordinates", "MultiPolygon has no polygons", at);
    }
    return { type: "MultiPolygon", coordinates: g.coordinates.map((p) => readPolygon(p, at)) };
  }
  throw new CellIoError(
    "invalid_geometry_type",
    `has a ${String(g.type)} geometry; a cell needs a Polygon or MultiPolygon`,
    at,
  );
}

function readPolygon(raw: unknown, at: FeatureLocation): PolygonCoords {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new CellIoError("invalid_coordinates", "polygon has no rings", at);
  return raw.map((ring) => readRing(ring, at));
}

function readRing(raw: unknown, at: FeatureLocation): Ring {
  if (!Array.isArray(raw) || raw.length < 4) {
    throw new CellIoError("invalid_coordinates", "a polygon ring needs at least 4 positions", at);
  }
  const ring = raw.map((p): Position => {
    if (!Array.isArray(p) || p.length < 2)
      throw new CellIoError("invalid_coordinates", "a position needs x and y", at);
    const [x, y] = p as unknown[];
    if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new CellIoError(
        "invalid_coordinates",
        `position ${JSON.stringify(p)} is not two finite numbers`,
        at,
      );
    }
    return [x, y];
  });
  const first = ring[0]!;
  const last = ring.at(-1)!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    throw new CellIoError("invalid_coordinates", "a polygon ring must end where it starts", at);
  }
  return ring;
}

/** Every position of a WGS 84 geometry must be a real longitude/latitude. */
export function assertLonLat(geometry: MultiPolygonGeometry, at: FeatureLocation): void {
  for (const polygon of geometry.coordinates) {
    for (const ring of polygon) {
      for (const [x, y] of ring) {
        if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) {
          throw new CellIoError(
            "invalid_coordinates",
            `position [${x}, ${y}] is outside longitude -180..180 / latitude -90..90`,
            at,
          );
        }
      }
    }
  }
}

export function mapPositions(
  geometry: MultiPolygonGeometry,
  fn: (p: Position) => Position,
): MultiPolygonGeometry {
  return {
    type: "MultiPolygon",
    coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(fn))),
  };
}

/** [minX, minY, maxX, maxY] without spreading (arrays of 100k+ points overflow the stack). */
export function extentOf(points: Iterable<Position>): [number, number, number, number] | null {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return minX === Number.POSITIVE_INFINITY ? null : [minX, minY, maxX, maxY];
}
