import { distance, type Local } from "./projection.js";
import type { Rng } from "./random.js";

/**
 * Splits a connected set of tiles into `count` connected, compact, roughly equal parts.
 * Parts grow from seed tiles through tile adjacency (so each part stays connected), each
 * tile going to the reachable part whose weighted centre is nearest; a few rounds move the
 * centres to the parts' means and penalise parts that grew too large (a capacity-aware
 * variant of Lloyd's algorithm).
 */
export function partitionTiles(
  members: readonly number[],
  count: number,
  neighbours: readonly (readonly number[])[],
  positionOf: (tile: number) => Local,
  rng: Rng,
  rounds = 12,
): number[][] {
  if (count < 1 || count > members.length)
    throw new RangeError(`cannot split ${members.length} tiles into ${count}`);
  let centres = farthestPointCentres(members, count, positionOf, rng);
  const weights = centres.map(() => 1);
  const target = members.length / count;
  let parts: number[][] = [];
  for (let round = 0; round < rounds; round++) {
    parts = growParts(members, centres, weights, neighbours, positionOf);
    centres = parts.map((part) => meanPosition(part, positionOf));
    parts.forEach((part, k) => {
      weights[k] = weights[k]! * (part.length / target) ** 0.5;
    });
  }
  return parts;
}

function farthestPointCentres(
  members: readonly number[],
  count: number,
  positionOf: (tile: number) => Local,
  rng: Rng,
): Local[] {
  const centres = [positionOf(rng.pick(members))];
  while (centres.length < count) {
    let best = members[0]!;
    let bestDistance = -1;
    for (const tile of members) {
      const d = Math.min(...centres.map((c) => distance(c, positionOf(tile))));
      if (d > bestDistance) {
        bestDistance = d;
        best = tile;
      }
    }
    centres.push(positionOf(best));
  }
  return centres;
}

function growParts(
  members: readonly number[],
  centres: readonly Local[],
  weights: readonly number[],
  neighbours: readonly (readonly number[])[],
  positionOf: (tile: number) => Local,
): number[][] {
  const isMember = new Set(members);
  const owner = new Map<number, number>();
  const parts: number[][] = centres.map(() => []);
  const nearestFreeTile = (centre: Local): number => {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const tile of members) {
      const d = distance(centre, positionOf(tile));
      if (!owner.has(tile) && d < bestDistance) {
        bestDistance = d;
        best = tile;
      }
    }
    return best;
  };
  centres.forEach((centre, k) => {
    const tile = nearestFreeTile(centre);
    owner.set(tile, k);
    parts[k]!.push(tile);
  });
  while (owner.size < members.length) {
    let bestTile = -1;
    let bestPart = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const tile of members) {
      if (owner.has(tile)) continue;
      for (const neighbour of neighbours[tile] ?? []) {
        const k = owner.get(neighbour);
        if (k === undefined || !isMember.has(neighbour)) continue;
        const cost = distance(positionOf(tile), centres[k]!) * weights[k]!;
        if (cost < bestCost) {
          bestCost = cost;
          bestTile = tile;
          bestPart = k;
        }
      }
    }
    if (bestTile < 0) throw new Error("tiles are not connected: some cannot be reached from any part");
    owner.set(bestTile, bestPart);
    parts[bestPart]!.push(bestTile);
  }
  return parts.map((part) => [...part].sort((a, b) => a - b));
}

function meanPosition(tiles: readonly number[], positionOf: (tile: number) => Local): Local {
  const sum = tiles.reduce((acc, t) => ({ x: acc.x + positionOf(t).x, y: acc.y + positionOf(t).y }), {
    x: 0,
    y: 0,
  });
  return { x: sum.x / tiles.length, y: sum.y / tiles.length };
}
