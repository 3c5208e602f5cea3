import { featureCollection, point, voronoi } from "@turf/turf";
import type { CellLevel } from "../cell-codes.js";
import { type DistrictOutline, mirroredBoundarySeeds, sampleSeeds } from "./district-outline.js";
import { type BilingualName, COMMUNITY_NAMES, DISTRICT, gridName, STREET_NAMES } from "./names.js";
import { partitionTiles } from "./partition.js";
import {
  counterClockwise,
  dropRepeatedVertices,
  LocalPolygon,
  type PolygonRings,
  type Ring,
  unionOfTiles,
  type VertexTable,
} from "./planar-topology.js";
import type { Local, LocalProjection } from "./projection.js";
import type { Rng } from "./random.js";

export interface CellDraft {
  readonly code: string;
  readonly name: BilingualName;
  readonly level: CellLevel;
  readonly parentCode: string | null;
  readonly polygons: readonly PolygonRings[];
  readonly shape: LocalPolygon;
  /** For grids: the Voronoi seed (always inside the grid); for others: the mean of the seeds. */
  readonly anchor: Local;
  readonly centrality: number;
}

export interface CellLayout {
  readonly district: CellDraft;
  readonly streets: readonly CellDraft[];
  readonly communities: readonly CellDraft[];
  readonly grids: readonly CellDraft[];
}

export const STREET_COUNT = 6;
export const GRIDS_PER_COMMUNITY = 10;

interface GridTile {
  readonly seed: Local;
  readonly ring: Ring;
  readonly centrality: number;
}

export function buildCells(
  outline: DistrictOutline,
  projection: LocalProjection,
  table: VertexTable,
  rng: Rng,
): CellLayout {
  const tiles = voronoiGridTiles(outline, projection, table, rng.fork("seeds"));
  const neighbours = tileNeighbours(tiles);
  const positionOf = (t: number): Local => tiles[t]!.seed;
  const all = tiles.map((_, i) => i);
  const streetParts = orderByReading(
    partitionTiles(all, STREET_COUNT, neighbours, positionOf, rng.fork("streets")),
    positionOf,
    2500,
  );
  const streetNames = rng.fork("street-names").shuffle(STREET_NAMES);
  const communityNames = rng.fork("community-names").shuffle(COMMUNITY_NAMES);
  const districtCode = `${DISTRICT.divisionCode}000000000`;
  const district = cellFrom(districtCode, DISTRICT.name, "district", null, all, tiles, table);
  const streets: CellDraft[] = [];
  const communities: CellDraft[] = [];
  const grids: CellDraft[] = [];
  streetParts.forEach((streetTiles, s) => {
    const streetCode = `${DISTRICT.divisionCode}${pad3(s + 1)}000000`;
    streets.push(
      cellFrom(streetCode, nameAt(streetNames, s), "street", districtCode, streetTiles, tiles, table),
    );
    const communityCount = Math.max(2, Math.round(streetTiles.length / GRIDS_PER_COMMUNITY));
    const communityParts = orderByReading(
      partitionTiles(streetTiles, communityCount, neighbours, positionOf, rng.fork(`communities-${s}`)),
      positionOf,
      900,
    );
    communityParts.forEach((communityTiles, c) => {
      const communityCode = `${streetCode.slice(0, 9)}${pad3(c + 1)}000`;
      const name = nameAt(communityNames, communities.length);
      communities.push(cellFrom(communityCode, name, "community", streetCode, communityTiles, tiles, table));
      orderByReading(
        communityTiles.map((t) => [t]),
        positionOf,
        350,
      ).forEach(([tile], g) => {
        const gridCode = `${communityCode.slice(0, 12)}${pad3(g + 1)}`;
        grids.push(cellFrom(gridCode, gridName(g + 1), "grid", communityCode, [tile!], tiles, table));
      });
    });
  });
  return { district, streets, communities, grids };
}

function voronoiGridTiles(
  outline: DistrictOutline,
  projection: LocalProjection,
  table: VertexTable,
  rng: Rng,
): GridTile[] {
  const spacingAt = (p: Local): number => 430 - 190 * outline.centrality(p);
  const boundary = mirroredBoundarySeeds(outline, spacingAt);
  const area = {
    minX: -outline.halfWidth,
    minY: -outline.halfHeight,
    maxX: outline.halfWidth,
    maxY: outline.halfHeight,
  };
  const boundarySeeds = [...boundary.inner, ...boundary.outer];
  const interior = sampleSeeds(area, spacingAt, 430, outline.contains, boundarySeeds, rng);
  const seeds = [...boundary.inner, ...interior, ...boundary.outer];
  const insideCount = boundary.inner.length + interior.length;
  const margin = 2000;
  const bbox: [number, number, number, number] = [
    area.minX - margin,
    area.minY - margin,
    area.maxX + margin,
    area.maxY + margin,
  ];
  const cells = voronoi(featureCollection(seeds.map((s) => point([s.x, s.y]))), { bbox });
  const tiles: GridTile[] = [];
  cells.features.forEach((cell, i) => {
    const seed = seeds[i]!;
    if (i >= insideCount) return;
    if (!cell?.geometry) throw new Error(`Voronoi cell ${i} is missing (duplicate seed?)`);
    const open = cell.geometry.coordinates[0]!.slice(0, -1);
    const ids = open.map(([x, y]) => table.idOf(projection.toFixed({ x: x!, y: y! })));
    const ring = counterClockwise(dropRepeatedVertices(ids), table);
    if (ring.length < 3) throw new Error(`Voronoi cell ${i} collapsed when snapped to 1e-7°`);
    tiles.push({ seed, ring, centrality: outline.centrality(seed) });
  });
  return tiles;
}

function tileNeighbours(tiles: readonly GridTile[]): number[][] {
  const byEdge = new Map<string, number[]>();
  tiles.forEach((tile, t) => {
    tile.ring.forEach((a, i) => {
      const b = tile.ring[(i + 1) % tile.ring.length]!;
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      const list = byEdge.get(key) ?? [];
      list.push(t);
      byEdge.set(key, list);
    });
  });
  const neighbours = tiles.map(() => new Set<number>());
  for (const list of byEdge.values()) {
    for (const a of list) for (const b of list) if (a !== b) neighbours[a]!.add(b);
  }
  return neighbours.map((set) => [...set].sort((a, b) => a - b));
}

function cellFrom(
  code: string,
  name: BilingualName,
  level: CellLevel,
  parentCode: string | null,
  members: readonly number[],
  tiles: readonly GridTile[],
  table: VertexTable,
): CellDraft {
  const polygons = unionOfTiles(
    members.map((t) => tiles[t]!.ring),
    table,
  );
  if (polygons.length !== 1)
    throw new Error(`cell ${code} is not one connected polygon (${polygons.length} parts)`);
  const anchor =
    members.length === 1
      ? tiles[members[0]!]!.seed
      : {
          x: members.reduce((sum, t) => sum + tiles[t]!.seed.x, 0) / members.length,
          y: members.reduce((sum, t) => sum + tiles[t]!.seed.y, 0) / members.length,
        };
  const centrality = members.reduce((sum, t) => sum + tiles[t]!.centrality, 0) / members.length;
  return {
    code,
    name,
    level,
    parentCode,
    polygons,
    shape: new LocalPolygon(polygons, table),
    anchor,
    centrality,
  };
}

/** Numbers siblings like reading a page: northern bands first, west to east within a band. */
function orderByReading(parts: number[][], positionOf: (t: number) => Local, bandHeight: number): number[][] {
  const key = (part: readonly number[]): { band: number; x: number } => {
    const x = part.reduce((sum, t) => sum + positionOf(t).x, 0) / part.length;
    const y = part.reduce((sum, t) => sum + positionOf(t).y, 0) / part.length;
    return { band: Math.floor(-y / bandHeight), x };
  };
  return [...parts].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.band - kb.band || ka.x - kb.x;
  });
}

function nameAt(names: readonly BilingualName[], index: number): BilingualName {
  const name = names[index];
  if (!name) throw new Error(`name pool too small: need at least ${index + 1} names`);
  return name;
}

function pad3(n: number): string {
  if (n < 1 || n > 999) throw new RangeError(`code segment ${n} does not fit in 3 digits`);
  return String(n).padStart(3, "0");
}
