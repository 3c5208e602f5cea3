import type { FeatureCollection, Geometry, Position } from "geojson";

export type LonLatBounds = [minLon: number, minLat: number, maxLon: number, maxLat: number];

function eachPosition(geometry: Geometry | null, visit: (position: Position) => void): void {
  if (!geometry) return;
  switch (geometry.type) {
    case "Point":
      visit(geometry.coordinates);
      return;
    case "MultiPoint":
    case "LineString":
      geometry.coordinates.forEach(visit);
      return;
    case "MultiLineString":
    case "Polygon":
      for (const line of geometry.coordinates) line.forEach(visit);
      return;
    case "MultiPolygon":
      for (const polygon of geometry.coordinates) for (const ring of polygon) ring.forEach(visit);
      return;
    case "GeometryCollection":
      for (const part of geometry.geometries) eachPosition(part, visit);
      return;
  }
}

/** The bounding box of everything in the given collections, or null when they hold no coordinates. */
export function boundsOf(collections: readonly FeatureCollection[]): LonLatBounds | null {
  let minLon = Number.POSITIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const collection of collections) {
    for (const feature of collection.features) {
      eachPosition(feature.geometry, ([lon, lat]) => {
        if (lon === undefined || lat === undefined) return;
        minLon = Math.min(minLon, lon);
        minLat = Math.min(minLat, lat);
        maxLon = Math.max(maxLon, lon);
        maxLat = Math.max(maxLat, lat);
      });
    }
  }
  return Number.isFinite(minLon) ? [minLon, minLat, maxLon, maxLat] : null;
}
