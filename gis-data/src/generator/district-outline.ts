import type { Local } from "./projection.js";
import type { Rng } from "./random.js";

/** The rough shape the district's grids are chosen from: a lumpy ellipse. The real edge
 * follows grid edges, so it ends up as irregular as an administrative boundary. */
export interface DistrictOutline {
  contains(p: Local): boolean;
  /** 0 at the edge of the outline, 1 at its centre; the centre is the dense urban core. */
  centrality(p: Local): number;
  readonly halfWidth: number;
  readonly halfHeight: number;
}

const SEMI_AXIS_X = 4600;
const SEMI_AXIS_Y = 3700;

export function createDistrictOutline(rng: Rng): DistrictOutline {
  const lobes = [
    { k: 2, amplitude: rng.range(0.06, 0.1), phase: rng.range(0, 2 * Math.PI) },
    { k: 3, amplitude: rng.range(0.04, 0.08), phase: rng.range(0, 2 * Math.PI) },
    { k: 5, amplitude: rng.range(0.02, 0.04), phase: rng.range(0, 2 * Math.PI) },
  ];
  const relativeRadius = (p: Local): number => {
    const theta = Math.atan2(p.y, p.x);
    const wobble = lobes.reduce((sum, l) => sum + l.amplitude * Math.sin(l.k * theta + l.phase), 1);
    const ellipse = Math.hypot(p.x / SEMI_AXIS_X, p.y / SEMI_AXIS_Y);
    return ellipse / wobble;
  };
  const maxWobble = 1 + lobes.reduce((sum, l) => sum + l.amplitude, 0);
  return {
    contains: (p) => relativeRadius(p) < 1,
    centrality: (p) => Math.exp(-((relativeRadius(p) / 0.55) ** 2)),
    halfWidth: SEMI_AXIS_X * maxWobble,
    halfHeight: SEMI_AXIS_Y * maxWobble,
  };
}

export interface SamplingArea {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * Dart throwing with a spacing that varies with position (Poisson-disk-like): grids are
 * small in the dense centre and larger towards the edge, and no two seeds are so close
 * that their Voronoi cells become slivers.
 */
export function sampleSeeds(
  area: SamplingArea,
  spacingAt: (p: Local) => number,
  maxSpacing: number,
  rng: Rng,
  maxConsecutiveMisses = 4000,
): Local[] {
  const bucketSize = maxSpacing;
  const buckets = new Map<string, Local[]>();
  const bucketKey = (x: number, y: number): string =>
    `${Math.floor(x / bucketSize)},${Math.floor(y / bucketSize)}`;
  const accepted: Local[] = [];
  let misses = 0;
  while (misses < maxConsecutiveMisses) {
    const candidate = { x: rng.range(area.minX, area.maxX), y: rng.range(area.minY, area.maxY) };
    const spacing = spacingAt(candidate);
    if (isFarEnough(candidate, spacing, buckets, bucketSize, spacingAt)) {
      accepted.push(candidate);
      const key = bucketKey(candidate.x, candidate.y);
      const list = buckets.get(key) ?? [];
      list.push(candidate);
      buckets.set(key, list);
      misses = 0;
    } else {
      misses++;
    }
  }
  return accepted;
}

function isFarEnough(
  candidate: Local,
  spacing: number,
  buckets: Map<string, Local[]>,
  bucketSize: number,
  spacingAt: (p: Local) => number,
): boolean {
  const bx = Math.floor(candidate.x / bucketSize);
  const by = Math.floor(candidate.y / bucketSize);
  for (let dx = -1; dx <= 1; dx++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (const other of buckets.get(`${bx + dx},${by + dy}`) ?? []) {
        const needed = (spacing + spacingAt(other)) / 2;
        if (Math.hypot(candidate.x - other.x, candidate.y - other.y) < needed) return false;
      }
    }
  }
  return true;
}
