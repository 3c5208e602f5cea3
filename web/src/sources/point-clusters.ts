/**
 * Greedy radius clustering of points at one zoom, on the main thread (decision 0128): what
 * MapLibre's clustered GeoJSON source does in its worker (supercluster), but for the map's current
 * whole zoom only, so that the caller knows which cluster each point is in. Points are taken in
 * id order; each point not yet taken gathers the untaken points within `radiusPx` screen pixels of
 * it (at that zoom, 512-pixel tiles as MapLibre's GeoJSON sources use). A group of two or more is
 * a cluster at the members' mean position (in Web Mercator), keyed by its first member's id: an
 * added point joins at most one cluster and leaves the others' keys alone. Pure: no map, no DOM.
 * A grid of radius-sized cells, so each point looks at 9 cells: ~0.4 ms for 1,000 points in Node.
 */

export interface ClusterInput {
  readonly id: number;
  readonly lon: number;
  readonly lat: number;
}

export interface PointCluster {
  /** The smallest member id: stable while that member stays. */
  readonly key: number;
  readonly members: readonly number[];
  readonly lon: number;
  readonly lat: number;
}

export interface Clustering {
  readonly clusters: readonly PointCluster[];
  /** Cluster of each clustered point; a point not in it is drawn on its own. */
  readonly clusterOf: ReadonlyMap<number, PointCluster>;
}

export const NO_CLUSTERS: Clustering = { clusters: [], clusterOf: new Map() };

/** Tile size of MapLibre's GeoJSON sources, in pixels: what "radius in pixels" refers to. */
const TILE_SIZE = 512;
const MAX_LAT = 85.051129;

const worldX = (lon: number) => lon / 360 + 0.5;
function worldY(lat: number): number {
  const sin = Math.sin((Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180);
  return 0.5 - (0.25 * Math.log((1 + sin) / (1 - sin))) / Math.PI;
}
const lonOf = (x: number) => (x - 0.5) * 360;
const latOf = (y: number) => (360 / Math.PI) * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - 90;

/** "1.2k" as MapLibre's clustered sources abbreviate `point_count`. */
export function abbreviatedCount(count: number): string {
  if (count >= 10_000) return `${Math.round(count / 1000)}k`;
  if (count >= 1000) return `${Math.round(count / 100) / 10}k`;
  return String(count);
}

interface Projected {
  id: number;
  x: number;
  y: number;
}

export function clusterPoints(points: Iterable<ClusterInput>, zoom: number, radiusPx: number): Clustering {
  const radius = radiusPx / (TILE_SIZE * 2 ** zoom);
  const projected: Projected[] = [];
  for (const p of points) projected.push({ id: p.id, x: worldX(p.lon), y: worldY(p.lat) });
  projected.sort((a, b) => a.id - b.id);

  // Grid cells one radius wide: every neighbour within the radius is in the 3 × 3 cells around.
  const cellOf = (v: number) => Math.floor(v / radius);
  const grid = new Map<string, Projected[]>();
  for (const p of projected) {
    const cell = `${cellOf(p.x)}:${cellOf(p.y)}`;
    const list = grid.get(cell);
    if (list) list.push(p);
    else grid.set(cell, [p]);
  }

  const taken = new Set<number>();
  const clusters: PointCluster[] = [];
  const clusterOf = new Map<number, PointCluster>();
  const r2 = radius * radius;
  for (const seed of projected) {
    if (taken.has(seed.id)) continue;
    taken.add(seed.id);
    const members: Projected[] = [seed];
    const cx = cellOf(seed.x);
    const cy = cellOf(seed.y);
    for (let dx = -1; dx <= 1; dx += 1) {
      for (let dy = -1; dy <= 1; dy += 1) {
        for (const p of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          if (taken.has(p.id) || (p.x - seed.x) ** 2 + (p.y - seed.y) ** 2 > r2) continue;
          taken.add(p.id);
          members.push(p);
        }
      }
    }
    if (members.length < 2) continue;
    members.sort((a, b) => a.id - b.id);
    const x = members.reduce((sum, m) => sum + m.x, 0) / members.length;
    const y = members.reduce((sum, m) => sum + m.y, 0) / members.length;
    const cluster: PointCluster = {
      key: seed.id,
      members: members.map((m) => m.id),
      lon: lonOf(x),
      lat: latOf(y),
    };
    clusters.push(cluster);
    for (const m of members) clusterOf.set(m.id, cluster);
  }
  return { clusters, clusterOf };
}
