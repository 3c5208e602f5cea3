import type { Local } from "./projection.js";

/** A polyline in local metres with its arc length, for placing things along a road. */
export class Polyline {
  readonly points: readonly Local[];
  /** cumulative[i] is the distance along the line from points[0] to points[i]. */
  readonly cumulative: readonly number[];

  constructor(points: readonly Local[]) {
    if (points.length < 2) throw new RangeError("a polyline needs at least two points");
    this.points = points;
    const cumulative = [0];
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1]!;
      const b = points[i]!;
      cumulative.push(cumulative[i - 1]! + Math.hypot(b.x - a.x, b.y - a.y));
    }
    this.cumulative = cumulative;
  }

  get length(): number {
    return this.cumulative.at(-1)!;
  }

  /** Point and unit direction of travel at distance s along the line. */
  at(s: number): { point: Local; direction: Local } {
    const i = this.segmentIndexAt(s);
    const a = this.points[i]!;
    const b = this.points[i + 1]!;
    const segmentLength = this.cumulative[i + 1]! - this.cumulative[i]!;
    const t = segmentLength === 0 ? 0 : (s - this.cumulative[i]!) / segmentLength;
    return {
      point: { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) },
      direction: { x: (b.x - a.x) / segmentLength, y: (b.y - a.y) / segmentLength },
    };
  }

  /** The part of the line between distances s0 and s1. */
  slice(s0: number, s1: number): Polyline {
    const start = Math.max(0, s0);
    const end = Math.min(this.length, s1);
    const inner = this.points.filter((_, i) => this.cumulative[i]! > start && this.cumulative[i]! < end);
    return new Polyline([this.at(start).point, ...inner, this.at(end).point]);
  }

  /** Distances along this line where it crosses the given closed ring. */
  crossings(ring: readonly Local[]): number[] {
    const found: number[] = [];
    for (let i = 0; i + 1 < this.points.length; i++) {
      const a = this.points[i]!;
      const b = this.points[i + 1]!;
      for (let j = 0; j < ring.length; j++) {
        const t = segmentIntersection(a, b, ring[j]!, ring[(j + 1) % ring.length]!);
        if (t !== null) found.push(this.cumulative[i]! + t * (this.cumulative[i + 1]! - this.cumulative[i]!));
      }
    }
    return found.sort((x, y) => x - y);
  }

  /** Distances along this line where it crosses another line. */
  intersections(other: Polyline): number[] {
    const found: number[] = [];
    for (let i = 0; i + 1 < this.points.length; i++) {
      for (let j = 0; j + 1 < other.points.length; j++) {
        const t = segmentIntersection(
          this.points[i]!,
          this.points[i + 1]!,
          other.points[j]!,
          other.points[j + 1]!,
        );
        if (t !== null) found.push(this.cumulative[i]! + t * (this.cumulative[i + 1]! - this.cumulative[i]!));
      }
    }
    return found.sort((x, y) => x - y);
  }

  private segmentIndexAt(s: number): number {
    let i = 0;
    while (i < this.points.length - 2 && this.cumulative[i + 1]! < s) i++;
    return i;
  }
}

/** Parameter t along a→b where it crosses c→d, or null when the segments do not cross. */
export function segmentIntersection(a: Local, b: Local, c: Local, d: Local): number | null {
  const rx = b.x - a.x;
  const ry = b.y - a.y;
  const sx = d.x - c.x;
  const sy = d.y - c.y;
  const denominator = rx * sy - ry * sx;
  if (denominator === 0) return null;
  const t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / denominator;
  const u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / denominator;
  return t >= 0 && t < 1 && u >= 0 && u < 1 ? t : null;
}
