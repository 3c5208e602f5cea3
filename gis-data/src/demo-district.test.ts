import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  bbox,
  booleanPointInPolygon,
  feature,
  featureCollection,
  area as geodesicArea,
  intersect,
  lineString,
  point,
  pointToLineDistance,
  union,
} from "@turf/turf";
import type { MultiPolygon, Polygon } from "geojson";
import { beforeAll, describe, expect, it } from "vitest";
import { cellCodePrefix, levelOfCellCode } from "./cell-codes.js";
import type { CellFeature, DemoDistrict } from "./demo-district.schemas.js";
import { buildDemoDistrict, renderDemoDistrictFiles } from "./generator/build-demo-district.js";
import { demoDistrictDir, loadDemoDistrict } from "./index.js";

/** Area tolerance for "no gap, no overlap", in square degrees (~0.01 m²). */
const AREA_TOLERANCE_DEG2 = 1e-9;

let district: DemoDistrict;
beforeAll(async () => {
  district = await loadDemoDistrict();
});

describe("committed demo district", () => {
  it("is exactly what the generator produces from the default seed (drift check)", async () => {
    const files = renderDemoDistrictFiles(buildDemoDistrict());
    for (const [name, content] of Object.entries(files)) {
      const committed = await readFile(path.join(demoDistrictDir, name), "utf8");
      expect(content === committed, `${name} differs: run npm run generate -w @gridops/gis-data`).toBe(true);
    }
  });

  it("changes with the seed", () => {
    const other = renderDemoDistrictFiles(buildDemoDistrict("another-seed"));
    const again = renderDemoDistrictFiles(buildDemoDistrict("another-seed"));
    expect(other).toEqual(again);
    expect(other["cells.geojson"]).not.toEqual(renderDemoDistrictFiles(district)["cells.geojson"]);
  });

  it("has the expected numbers of things", () => {
    const byLevel = (level: string) => district.cells.features.filter((f) => f.properties.level === level);
    expect(byLevel("district")).toHaveLength(1);
    expect(byLevel("street")).toHaveLength(6);
    expect(byLevel("community").length).toBeGreaterThanOrEqual(25);
    expect(byLevel("community").length).toBeLessThanOrEqual(35);
    expect(byLevel("grid").length).toBeGreaterThanOrEqual(250);
    expect(byLevel("grid").length).toBeLessThanOrEqual(350);
    expect(district.roads.features.length).toBeGreaterThanOrEqual(4);
    expect(district.checkpoints.features.length).toBeGreaterThanOrEqual(35);
    expect(district.checkpoints.features.length).toBeLessThanOrEqual(45);
    expect(district.cameras.features.length).toBeGreaterThanOrEqual(540);
    expect(district.cameras.features.length).toBeLessThanOrEqual(660);
    expect(new Set(district.checkpoints.features.map((f) => f.properties.grade))).toEqual(
      new Set(["A", "B", "C"]),
    );
    expect(new Set(district.cameras.features.map((f) => f.properties.vendor)).size).toBe(5);
  });

  it("writes every coordinate with at most 7 decimals", () => {
    const positions = [
      ...district.cells.features.flatMap((f) => f.geometry.coordinates.flat(2)),
      ...district.roads.features.flatMap((f) => f.geometry.coordinates),
      ...district.checkpoints.features.map((f) => f.geometry.coordinates),
      ...district.cameras.features.map((f) => f.geometry.coordinates),
    ];
    const offGrid = positions.filter(
      ([x, y]) => Math.round(x * 1e7) / 1e7 !== x || Math.round(y * 1e7) / 1e7 !== y,
    );
    expect(offGrid).toEqual([]);
  });
});

describe("cell codes and hierarchy", () => {
  it("follows the 6+3+3+3 scheme with each child under its parent's prefix", () => {
    const byCode = new Map(district.cells.features.map((f) => [f.properties.code, f]));
    expect(byCode.size).toBe(district.cells.features.length);
    for (const cell of district.cells.features) {
      const { code, level, parent_code } = cell.properties;
      expect(levelOfCellCode(code)).toBe(level);
      expect(cell.id).toBe(code);
      if (level === "district") {
        expect(parent_code).toBeNull();
        continue;
      }
      const parent = byCode.get(parent_code ?? "");
      expect(parent, `parent of ${code}`).toBeDefined();
      expect(code.startsWith(cellCodePrefix(parent!.properties.code))).toBe(true);
    }
  });

  it("gives siblings distinct names in both languages", () => {
    const siblings = groupBy(district.cells.features, (f) => f.properties.parent_code);
    for (const group of siblings.values()) {
      expect(new Set(group.map((f) => f.properties.name)).size).toBe(group.length);
      expect(new Set(group.map((f) => f.properties.name_en)).size).toBe(group.length);
    }
  });
});

describe("cell geometry", () => {
  it("shares every inner edge exactly: each grid edge is either on the district edge or has a reversed twin", () => {
    const grids = district.cells.features.filter((f) => f.properties.level === "grid");
    const districtCell = district.cells.features.find((f) => f.properties.level === "district")!;
    const edges = (cells: readonly CellFeature[]) =>
      cells.flatMap((cell) =>
        cell.geometry.coordinates.flatMap((polygon) =>
          polygon.flatMap((ring) => ring.slice(1).map((p, i) => [ring[i]!.join(","), p.join(",")] as const)),
        ),
      );
    const gridEdges = edges(grids);
    const gridEdgeKeys = new Set(gridEdges.map(([a, b]) => `${a}>${b}`));
    expect(gridEdgeKeys.size, "a directed edge appears twice: grids overlap").toBe(gridEdges.length);
    const outer = gridEdges.filter(([a, b]) => !gridEdgeKeys.has(`${b}>${a}`)).map(([a, b]) => `${a}>${b}`);
    const districtEdges = edges([districtCell]).map(([a, b]) => `${a}>${b}`);
    expect(new Set(outer)).toEqual(new Set(districtEdges));
  });

  it("tiles every parent with its children: no overlap, no gap", () => {
    const children = groupBy(
      district.cells.features.filter((f) => f.properties.parent_code !== null),
      (f) => f.properties.parent_code!,
    );
    for (const parent of district.cells.features) {
      const kids = children.get(parent.properties.code);
      if (!kids) {
        expect(parent.properties.level).toBe("grid");
        continue;
      }
      expect(maxPairwiseOverlap(kids), `overlap among children of ${parent.id}`).toBeLessThanOrEqual(
        AREA_TOLERANCE_DEG2,
      );
      const merged = union(featureCollection<Polygon | MultiPolygon>(kids.map((k) => feature(k.geometry))));
      expect(merged).not.toBeNull();
      const parentArea = planarArea(parent.geometry);
      const childSum = kids.reduce((sum, k) => sum + planarArea(k.geometry), 0);
      const covered = intersect(
        featureCollection<Polygon | MultiPolygon>([feature(parent.geometry), merged!]),
      );
      const coveredArea = covered ? planarArea(covered.geometry) : 0;
      expect(Math.abs(childSum - parentArea), `area sum of children of ${parent.id}`).toBeLessThanOrEqual(
        AREA_TOLERANCE_DEG2,
      );
      expect(parentArea - coveredArea, `gap in ${parent.id}`).toBeLessThanOrEqual(AREA_TOLERANCE_DEG2);
      expect(planarArea(merged!.geometry) - coveredArea, `children outside ${parent.id}`).toBeLessThanOrEqual(
        AREA_TOLERANCE_DEG2,
      );
    }
  });

  it("has plausible sizes: the district is 40-80 km², grids 0.05-0.6 km²", () => {
    const km2 = (f: CellFeature) => geodesicArea(feature(f.geometry)) / 1e6;
    const districtCell = district.cells.features.find((f) => f.properties.level === "district")!;
    expect(km2(districtCell)).toBeGreaterThan(40);
    expect(km2(districtCell)).toBeLessThan(80);
    for (const grid of district.cells.features.filter((f) => f.properties.level === "grid")) {
      expect(km2(grid)).toBeGreaterThan(0.05);
      expect(km2(grid)).toBeLessThan(0.6);
    }
  });
});

describe("checkpoints and cameras", () => {
  const gridsHolding = (coordinates: [number, number]) => {
    const [x, y] = coordinates;
    return gridIndex().filter(
      ({ box, cell }) =>
        x >= box[0] &&
        x <= box[2] &&
        y >= box[1] &&
        y <= box[3] &&
        booleanPointInPolygon(point(coordinates), cell.geometry, { ignoreBoundary: true }),
    );
  };

  it("puts every checkpoint and camera strictly inside exactly the grid named by cell_code", () => {
    for (const item of [...district.checkpoints.features, ...district.cameras.features]) {
      const holders = gridsHolding(item.geometry.coordinates);
      expect(
        holders.map((h) => h.cell.properties.code),
        item.id,
      ).toEqual([item.properties.cell_code]);
    }
  });

  it("gives each checkpoint lane exactly one camera that points back at the lane's traffic", () => {
    const cameras = new Map(district.cameras.features.map((f) => [f.id, f]));
    const laneCameraIds = new Set<string>();
    for (const checkpoint of district.checkpoints.features) {
      const { lanes, direction, cell_code } = checkpoint.properties;
      expect(new Set(lanes.map((l) => l.number)).size).toBe(lanes.length);
      const laneDirections = new Set(lanes.map((l) => l.direction));
      expect(direction === "both" ? laneDirections.size : [...laneDirections]).toEqual(
        direction === "both" ? 2 : [direction],
      );
      for (const lane of lanes) {
        const camera = cameras.get(lane.camera_id);
        expect(camera, lane.camera_id).toBeDefined();
        expect(camera!.properties.checkpoint_id).toBe(checkpoint.id);
        expect(camera!.properties.lane).toBe(lane.number);
        expect(camera!.properties.cell_code).toBe(cell_code);
        const travel = { northbound: 0, eastbound: 90, southbound: 180, westbound: 270 }[lane.direction];
        expect(angleBetween(camera!.properties.bearing, travel + 180)).toBeLessThanOrEqual(45);
        laneCameraIds.add(lane.camera_id);
      }
    }
    const claimingLane = district.cameras.features.filter((f) => f.properties.checkpoint_id !== null);
    expect(claimingLane.map((f) => f.id).sort()).toEqual([...laneCameraIds].sort());
  });

  it("places checkpoints on the road they are named for, entries near the district edge", () => {
    const roads = new Map(district.roads.features.map((f) => [f.properties.name, f]));
    for (const checkpoint of district.checkpoints.features) {
      const road = roads.get(checkpoint.properties.road);
      expect(road, checkpoint.properties.road).toBeDefined();
      const offRoad = pointToLineDistance(
        point(checkpoint.geometry.coordinates),
        lineString(road!.geometry.coordinates),
        { units: "meters" },
      );
      expect(offRoad).toBeLessThan(0.5);
    }
    const entries = district.checkpoints.features.filter((f) => f.properties.name.endsWith("入口卡口"));
    expect(entries).toHaveLength(2 * district.roads.features.length);
    expect(entries.every((f) => f.properties.grade !== "C")).toBe(true);
    const districtCell = district.cells.features.find((f) => f.properties.level === "district")!;
    const edge = lineString(districtCell.geometry.coordinates[0]![0]!);
    for (const entry of entries) {
      const fromEdge = pointToLineDistance(point(entry.geometry.coordinates), edge, { units: "meters" });
      expect(fromEdge, entry.id).toBeLessThan(1300);
    }
  });

  it("puts more cameras in central grids than in edge grids", () => {
    const districtCell = district.cells.features.find((f) => f.properties.level === "district")!;
    const [minX, minY, maxX, maxY] = bbox(feature(districtCell.geometry));
    const centre = [(minX + maxX) / 2, (minY + maxY) / 2] as const;
    const perGrid = groupBy(
      district.cameras.features.filter((f) => f.properties.checkpoint_id === null),
      (f) => f.properties.cell_code,
    );
    const grids = gridIndex().map(({ cell, box }) => ({
      count: perGrid.get(cell.properties.code)?.length ?? 0,
      distance: Math.hypot((box[0] + box[2]) / 2 - centre[0], (box[1] + box[3]) / 2 - centre[1]),
    }));
    grids.sort((a, b) => a.distance - b.distance);
    const mean = (xs: { count: number }[]) => xs.reduce((s, x) => s + x.count, 0) / xs.length;
    const fifth = Math.floor(grids.length / 5);
    expect(mean(grids.slice(0, fifth))).toBeGreaterThan(2 * mean(grids.slice(-fifth)));
    expect(grids.every((g) => g.count >= 1)).toBe(true);
  });
});

type Box = [number, number, number, number];
let cachedGridIndex: { cell: CellFeature; box: Box }[] | undefined;
function gridIndex(): { cell: CellFeature; box: Box }[] {
  cachedGridIndex ??= district.cells.features
    .filter((f) => f.properties.level === "grid")
    .map((cell) => ({ cell, box: bbox(feature(cell.geometry)).slice(0, 4) as Box }));
  return cachedGridIndex;
}

/** Area in square degrees (shoelace on longitude/latitude), as the tolerance is stated. */
function planarArea(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, index) => {
      let sum = 0;
      for (let i = 0; i + 1 < ring.length; i++)
        sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
      total += (index === 0 ? 1 : -1) * Math.abs(sum / 2);
    });
  }
  return total;
}

function maxPairwiseOverlap(cells: readonly CellFeature[]): number {
  const boxes = cells.map((c) => bbox(feature(c.geometry)));
  let worst = 0;
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a[0] > b[2] || b[0] > a[2] || a[1] > b[3] || b[1] > a[3]) continue;
      const overlap = intersect(
        featureCollection([feature(cells[i]!.geometry), feature(cells[j]!.geometry)]),
      );
      if (overlap) worst = Math.max(worst, planarArea(overlap.geometry));
    }
  }
  return worst;
}

/** Node 20 has no Map.groupBy. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function angleBetween(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return Math.min(d, 360 - d);
}
