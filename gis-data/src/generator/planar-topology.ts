import { type Fixed, fixedToPosition, type Local, type LocalProjection } from "./projection.js";

/** A ring is a closed loop of vertex ids without the repeated closing vertex. */
export type Ring = readonly number[];

export interface PolygonRings {
  readonly outer: Ring;
  readonly holes: readonly Ring[];
}

/** Every vertex of the district exists once; polygons refer to vertices by id, which is
 * what makes shared edges exactly shared after rounding. */
export class VertexTable {
  private readonly ids = new Map<string, number>();
  readonly fixed: Fixed[] = [];
  readonly local: Local[] = [];

  constructor(private readonly projection: LocalProjection) {}

  idOf(f: Fixed): number {
    const key = `${f[0]},${f[1]}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.fixed.length;
      this.ids.set(key, id);
      this.fixed.push(f);
      this.local.push(this.projection.toLocal(f));
    }
    return id;
  }

  at(id: number): Local {
    const p = this.local[id];
    if (!p) throw new RangeError(`unknown vertex id ${id}`);
    return p;
  }
}

/** Shoelace area in square metres, positive for counter-clockwise rings. */
export function signedArea(ring: Ring, table: VertexTable): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = table.at(ring[i]!);
    const b = table.at(ring[(i + 1) % ring.length]!);
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

/** Drops repeated consecutive vertices (edges that collapsed when snapped to 1e-7°). */
export function dropRepeatedVertices(ring: Ring): Ring {
  const out = ring.filter((id, i) => id !== ring[(i + ring.length - 1) % ring.length]);
  return out.length === 0 && ring.length > 0 ? [ring[0]!] : out;
}

export function counterClockwise(ring: Ring, table: VertexTable): Ring {
  return signedArea(ring, table) < 0 ? [...ring].reverse() : ring;
}

/**
 * Union of counter-clockwise rings that tile a region without overlap. Edges shared by
 * two rings run in opposite directions and cancel; what is left is the boundary, which is
 * stitched back into rings. No floating-point clipping happens, so the result uses exactly
 * the children's vertices.
 */
export function unionOfTiles(rings: readonly Ring[], table: VertexTable): PolygonRings[] {
  const outgoing = boundaryEdges(rings);
  const loops = stitchLoops(outgoing, table);
  return groupHoles(loops, table);
}

function boundaryEdges(rings: readonly Ring[]): Map<number, number[]> {
  const directed = new Set<string>();
  const order: [number, number][] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      const key = `${a}>${b}`;
      if (directed.has(key)) throw new Error(`edge ${key} appears twice: the tiles overlap`);
      directed.add(key);
      order.push([a, b]);
    }
  }
  const outgoing = new Map<number, number[]>();
  for (const [a, b] of order) {
    if (directed.has(`${b}>${a}`)) continue;
    const list = outgoing.get(a) ?? [];
    list.push(b);
    outgoing.set(a, list);
  }
  return outgoing;
}

function stitchLoops(outgoing: Map<number, number[]>, table: VertexTable): Ring[] {
  const loops: Ring[] = [];
  for (const [start, targets] of outgoing) {
    while (targets.length > 0) {
      const loop = [start];
      let prev = start;
      let current = targets.shift()!;
      while (current !== start) {
        loop.push(current);
        const next = takeLeftmostTurn(prev, current, outgoing, table);
        prev = current;
        current = next;
      }
      loops.push(loop);
    }
  }
  return loops;
}

/** At a vertex where the boundary touches itself, turning as far left as possible keeps
 * each loop simple (the interior is on the left of a counter-clockwise boundary). */
function takeLeftmostTurn(
  from: number,
  at: number,
  outgoing: Map<number, number[]>,
  table: VertexTable,
): number {
  const candidates = outgoing.get(at);
  if (!candidates || candidates.length === 0) throw new Error(`boundary is not closed at vertex ${at}`);
  const a = table.at(from);
  const b = table.at(at);
  const inAngle = Math.atan2(b.y - a.y, b.x - a.x);
  let best = 0;
  let bestTurn = Number.NEGATIVE_INFINITY;
  candidates.forEach((candidate, index) => {
    const c = table.at(candidate);
    let turn = Math.atan2(c.y - b.y, c.x - b.x) - inAngle;
    while (turn <= -Math.PI) turn += 2 * Math.PI;
    while (turn > Math.PI) turn -= 2 * Math.PI;
    if (turn > bestTurn) {
      bestTurn = turn;
      best = index;
    }
  });
  return candidates.splice(best, 1)[0]!;
}

function groupHoles(loops: readonly Ring[], table: VertexTable): PolygonRings[] {
  const outers = loops.filter((loop) => signedArea(loop, table) > 0);
  const holes = loops.filter((loop) => signedArea(loop, table) < 0);
  const holesByOuter = outers.map((): Ring[] => []);
  for (const hole of holes) {
    const a = table.at(hole[0]!);
    const b = table.at(hole[1]!);
    const probe = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    let owner = -1;
    let ownerArea = Number.POSITIVE_INFINITY;
    outers.forEach((outer, index) => {
      const area = signedArea(outer, table);
      if (
        area < ownerArea &&
        pointInRing(
          probe,
          outer.map((id) => table.at(id)),
        )
      ) {
        owner = index;
        ownerArea = area;
      }
    });
    if (owner < 0) throw new Error("a hole lies outside every outer ring");
    holesByOuter[owner]!.push(hole);
  }
  return outers.map((outer, index) => ({ outer, holes: holesByOuter[index]! }));
}

/** Crossing-number test; points exactly on an edge may go either way, so callers that
 * need "strictly inside" also check the distance to the boundary. */
export function pointInRing(p: Local, ring: readonly Local[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

export function distanceToSegment(p: Local, a: Local, b: Local): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** A polygon in local metres, ready for containment and clearance queries. */
export class LocalPolygon {
  readonly rings: readonly (readonly Local[])[];
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;

  constructor(polygons: readonly PolygonRings[], table: VertexTable) {
    this.rings = polygons.flatMap((p) => [p.outer, ...p.holes]).map((ring) => ring.map((id) => table.at(id)));
    const all = this.rings.flat();
    this.minX = Math.min(...all.map((p) => p.x));
    this.minY = Math.min(...all.map((p) => p.y));
    this.maxX = Math.max(...all.map((p) => p.x));
    this.maxY = Math.max(...all.map((p) => p.y));
  }

  /** Even-odd over all rings: inside an outer ring and not inside one of its holes. */
  contains(p: Local): boolean {
    if (p.x < this.minX || p.x > this.maxX || p.y < this.minY || p.y > this.maxY) return false;
    return this.rings.reduce((inside, ring) => (pointInRing(p, ring) ? !inside : inside), false);
  }

  distanceToBoundary(p: Local): number {
    let best = Number.POSITIVE_INFINITY;
    for (const ring of this.rings) {
      for (let i = 0; i < ring.length; i++) {
        best = Math.min(best, distanceToSegment(p, ring[i]!, ring[(i + 1) % ring.length]!));
      }
    }
    return best;
  }
}

/** GeoJSON MultiPolygon coordinates with closed rings. */
export function toMultiPolygonCoordinates(
  polygons: readonly PolygonRings[],
  table: VertexTable,
): [number, number][][][] {
  const close = (ring: Ring): [number, number][] =>
    [...ring, ring[0]!].map((id) => fixedToPosition(table.fixed[id]!));
  return polygons.map((p) => [close(p.outer), ...p.holes.map(close)]);
}
