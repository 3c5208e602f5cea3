import type { Local } from "./projection.js";
import type { Rng } from "./random.js";

/** The district's intended shape: a lumpy ellipse with a few small wiggles, like a
 * boundary that follows rivers and old field lines. */
export interface DistrictOutline {
  contains(p: Local): boolean;
  /** 0 at the edge of the outline, 1 at its centre; the centre is the dense urban core. */
  centrality(p: Local): number;
  /** The point of the outline in direction `theta` (radians counter-clockwise from east). */
  boundaryAt(theta: number): Local;
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
    { k: 9, amplitude: rng.range(0.015, 0.025), phase: rng.range(0, 2 * Math.PI) },
    { k: 14, amplitude: rng.range(0.008, 0.012), phase: rng.range(0, 2 * Math.PI) },
  ];
  const wobble = (theta: number): number =>
    lobes.reduce((sum, l) => sum + l.amplitude * Math.sin(l.k * theta + l.phase), 1);
  const relativeRadius = (p: Local): number =>
    Math.hypot(p.x / SEMI_AXIS_X, p.y / SEMI_AXIS_Y) / wobble(Math.atan2(p.y, p.x));
  const maxWobble = 1 + lobes.reduce((sum, l) => sum + l.amplitude, 0);
  return {
    contains: (p) => relativeRadius(p) < 1,
    centrality: (p) => Math.exp(-((relativeRadius(p) / 0.55) ** 2)),
    boundaryAt: (theta) => {
      const r = wobble(theta) / Math.hypot(Math.cos(theta) / SEMI_AXIS_X, Math.sin(theta) / SEMI_AXIS_Y);
      return { x: r * Math.cos(theta), y: r * Math.sin(theta) };
    },
    halfWidth: SEMI_AXIS_X * maxWobble,
    halfHeight: SEMI_AXIS_Y * maxWobble,
  };
}

/**
 * Seeds in mirrored pairs across the outline: the Voronoi edge between the two seeds of a
 * pair is their perpendicular bisector, which runs along the outline. So the district
 * edge, made of such edges, follows the smooth outline instead of zig-zagging between
 * whichever seeds happen to lie inside and outside.
 */
export function mirroredBoundarySeeds(
  outline: DistrictOutline,
  spacingAt: (p: Local) => number,
): { inner: Local[]; outer: Local[] } {
  const dense: Local[] = [];
  const steps = 4000;
  for (let i = 0; i < steps; i++) dense.push(outline.boundaryAt((2 * Math.PI * i) / steps));
  const cumulative = [0];
  for (let i = 1; i <= steps; i++) {
    const a = dense[i - 1]!;
    const b = dense[i % steps]!;
    cumulative.push(cumulative[i - 1]! + Math.hypot(b.x - a.x, b.y - a.y));
  }
  const perimeter = cumulative[steps]!;
  const inner: Local[] = [];
  const outer: Local[] = [];
  let index = 0;
  let s = 0;
  while (s < perimeter) {
    while (cumulative[index + 1]! < s) index++;
    const a = dense[index]!;
    const b = dense[(index + 1) % steps]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    const t = (s - cumulative[index]!) / length;
    const on = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
    // The outline runs counter-clockwise, so the outward normal is the tangent turned right.
    const normal = { x: (b.y - a.y) / length, y: -(b.x - a.x) / length };
    const spacing = spacingAt(on);
    const offset = 0.3 * spacing;
    inner.push({ x: on.x - offset * normal.x, y: on.y - offset * normal.y });
    outer.push({ x: on.x + offset * normal.x, y: on.y + offset * normal.y });
    s += spacing;
  }
  return { inner, outer };
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
 * that their Voronoi cells become slivers. `fixedSeeds` are taken as already placed.
 */
export function sampleSeeds(
  area: SamplingArea,
  spacingAt: (p: Local) => number,
  maxSpacing: number,
  accept: (p: Local) => boolean,
  fixedSeeds: readonly Local[],
  rng: Rng,
  maxConsecutiveMisses = 4000,
): Local[] {
  const bucketSize = maxSpacing;
  const buckets = new Map<string, Local[]>();
  const bucketKey = (x: number, y: number): string =>
    `${Math.floor(x / bucketSize)},${Math.floor(y / bucketSize)}`;
  const place = (p: Local): void => {
    const key = bucketKey(p.x, p.y);
    const list = buckets.get(key) ?? [];
    list.push(p);
    buckets.set(key, list);
  };
  fixedSeeds.forEach(place);
  const accepted: Local[] = [];
  let misses = 0;
  while (misses < maxConsecutiveMisses) {
    const candidate = { x: rng.range(area.minX, area.maxX), y: rng.range(area.minY, area.maxY) };
    if (accept(candidate) && isFarEnough(candidate, buckets, bucketSize, spacingAt)) {
      accepted.push(candidate);
      place(candidate);
      misses = 0;
    } else {
      misses++;
    }
  }
  return accepted;
}

function isFarEnough(
  candidate: Local,
  buckets: Map<string, Local[]>,
  bucketSize: number,
  spacingAt: (p: Local) => number,
): boolean {
  const spacing = spacingAt(candidate);
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
