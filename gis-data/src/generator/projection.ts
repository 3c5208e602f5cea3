/** Coordinates are stored as integers in units of 1e-7 degree ("fixed" coordinates), so
 * that writing them with 7 decimals is exact and two cells that share a vertex share it
 * bit for bit. Geometry that needs metres works in a local tangent plane around the
 * district origin (equirectangular; the district is ~10 km across, so the error is far
 * below a metre). */

export const FIXED_SCALE = 1e7;

/** [longitude, latitude] in 1e-7 degree units. */
export type Fixed = readonly [number, number];

/** Metres east and north of the projection origin. */
export interface Local {
  readonly x: number;
  readonly y: number;
}

export interface LocalProjection {
  readonly originLon: number;
  readonly originLat: number;
  toFixed(p: Local): Fixed;
  toLocal(f: Fixed): Local;
}

export function createLocalProjection(originLon: number, originLat: number): LocalProjection {
  const phi = (originLat * Math.PI) / 180;
  // Length of one degree on the WGS 84 ellipsoid (standard series expansion).
  const metresPerDegLat = 111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi);
  const metresPerDegLon = 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi) + 0.118 * Math.cos(5 * phi);
  return {
    originLon,
    originLat,
    toFixed: (p) => [
      Math.round((originLon + p.x / metresPerDegLon) * FIXED_SCALE),
      Math.round((originLat + p.y / metresPerDegLat) * FIXED_SCALE),
    ],
    toLocal: (f) => ({
      x: (f[0] / FIXED_SCALE - originLon) * metresPerDegLon,
      y: (f[1] / FIXED_SCALE - originLat) * metresPerDegLat,
    }),
  };
}

/** Degrees with at most 7 decimals; integer division by 1e7 is correctly rounded, so the
 * shortest decimal form of the result is exactly the intended 7-decimal value. */
export function fixedToPosition(f: Fixed): [number, number] {
  return [f[0] / FIXED_SCALE, f[1] / FIXED_SCALE];
}

export function distance(a: Local, b: Local): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
