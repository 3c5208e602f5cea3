import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from "geojson";

type Ring = Position[];

function ringArea(ring: Ring): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    twice += xj * yi - xi * yj;
  }
  return twice / 2;
}

function ringCentroid(ring: Ring): Position | null {
  const area = ringArea(ring);
  if (area === 0) return null;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    const cross = xj * yi - xi * yj;
    cx += (xi + xj) * cross;
    cy += (yi + yj) * cross;
  }
  return [cx / (6 * area), cy / (6 * area)];
}

function insideRing([x = 0, y = 0]: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insidePolygon(point: Position, rings: readonly Ring[]): boolean {
  const [outer, ...holes] = rings;
  return !!outer && insideRing(point, outer) && !holes.some((hole) => insideRing(point, hole));
}

/** Midpoint of the widest stretch of the polygon's interior along one horizontal line. */
function widestInteriorMidpoint(rings: readonly Ring[], y: number): Position | null {
  const crossings: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? [];
      const [xj = 0, yj = 0] = ring[j] ?? [];
      if (yi > y !== yj > y) crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  }
  crossings.sort((a, b) => a - b);
  let best: Position | null = null;
  let bestWidth = -1;
  for (let k = 0; k + 1 < crossings.length; k += 2) {
    const left = crossings[k] ?? 0;
    const right = crossings[k + 1] ?? 0;
    if (right - left > bestWidth) {
      bestWidth = right - left;
      best = [(left + right) / 2, y];
    }
  }
  return best;
}

function largestPolygon(geometry: Polygon | MultiPolygon): Ring[] {
  if (geometry.type === "Polygon") return geometry.coordinates;
  let best: Ring[] = [];
  let bestArea = -1;
  for (const polygon of geometry.coordinates) {
    const area = Math.abs(ringArea(polygon[0] ?? []));
    if (area > bestArea) {
      bestArea = area;
      best = polygon;
    }
  }
  return best;
}

/**
 * One point inside a cell to hang its label on. Computed once here rather than letting MapLibre
 * place labels per tile, which repeats a large cell's name in every tile it crosses.
 */
export function labelPoint(geometry: Polygon | MultiPolygon): Position | null {
  const rings = largestPolygon(geometry);
  const outer = rings[0];
  if (!outer || outer.length < 4) return null;
  const centroid = ringCentroid(outer);
  if (centroid && insidePolygon(centroid, rings)) return centroid;
  const ys = outer.map(([, y = 0]) => y);
  const midY = centroid?.[1] ?? (Math.min(...ys) + Math.max(...ys)) / 2;
  return widestInteriorMidpoint(rings, midY) ?? outer[0] ?? null;
}

export function labelPoints<P>(
  cells: FeatureCollection<Polygon | MultiPolygon, P>,
): FeatureCollection<Point, P> {
  const features: Feature<Point, P>[] = [];
  for (const cell of cells.features) {
    const point = labelPoint(cell.geometry);
    if (!point) continue;
    const feature: Feature<Point, P> = {
      type: "Feature",
      geometry: { type: "Point", coordinates: point },
      properties: cell.properties,
    };
    if (cell.id !== undefined) feature.id = cell.id;
    features.push(feature);
  }
  return { type: "FeatureCollection", features };
}
