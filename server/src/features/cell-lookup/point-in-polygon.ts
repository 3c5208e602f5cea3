/// <reference path="./robust-predicates.d.ts" />
import type { PolygonCoords } from "@gridops/gis-data/io/geometry";
import { orient2d } from "robust-predicates";

/**
 * A polygon packed for fast point tests: all ring positions in one Float64Array
 * (x0, y0, x1, y1, …; each ring closed), ring boundaries as position indices.
 */
export interface PackedPolygon {
  coords: Float64Array;
  /** End (exclusive, in positions) of each ring. */
  ringEnds: Uint32Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function packPolygon(polygon: PolygonCoords): PackedPolygon {
  const total = polygon.reduce((n, ring) => n + ring.length, 0);
  const coords = new Float64Array(total * 2);
  const ringEnds = new Uint32Array(polygon.length);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let i = 0;
  polygon.forEach((ring, r) => {
    for (const [x, y] of ring) {
      coords[i * 2] = x;
      coords[i * 2 + 1] = y;
      i++;
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
    ringEnds[r] = i;
  });
  return { coords, ringEnds, minX, minY, maxX, maxY };
}

/**
 * True when the polygon covers the point: inside or on its boundary, like PostGIS
 * ST_Covers. Orientation uses exact arithmetic (Shewchuk's orient2d), so a point exactly
 * on an edge is found on it, and the even-odd crossing count never disagrees with GEOS
 * on points a float cross product would misclassify.
 */
export function polygonCovers(p: PackedPolygon, x: number, y: number): boolean {
  if (x < p.minX || x > p.maxX || y < p.minY || y > p.maxY) return false;
  const c = p.coords;
  let inside = false;
  let start = 0;
  for (let r = 0; r < p.ringEnds.length; r++) {
    const end = p.ringEnds[r]!;
    for (let i = start; i < end - 1; i++) {
      const ax = c[i * 2]!;
      const ay = c[i * 2 + 1]!;
      const bx = c[i * 2 + 2]!;
      const by = c[i * 2 + 3]!;
      const aAbove = ay > y;
      const bAbove = by > y;
      if (aAbove === bAbove) {
        // Horizontal or same-side edge: only a point lying on it matters.
        if (ay === y && by === y && x >= Math.min(ax, bx) && x <= Math.max(ax, bx)) return true;
        if ((ax === x && ay === y) || (bx === x && by === y)) return true;
        continue;
      }
      // The edge straddles the ray's line: wholly right of the point it crosses the ray,
      // wholly left it doesn't; only an edge spanning x needs the exact orientation.
      if (ax > x && bx > x) {
        inside = !inside;
        continue;
      }
      if (ax < x && bx < x) continue;
      const o = orient2d(ax, ay, bx, by, x, y);
      if (o === 0) return true; // on the segment: y is strictly between the ends here
      // robust-predicates: negative = counter-clockwise (point left of a→b).
      if (bAbove ? o < 0 : o > 0) inside = !inside;
    }
    start = end;
  }
  return inside;
}
