import { describe, expect, it } from "vitest";
import { camerasFromTiles, fingerprint, labelsFromTilePieces, type TilePiece } from "./tile-derived.js";

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

const piece = (code: string, coordinates: number[][][], extra: Record<string, unknown> = {}): TilePiece => ({
  geometry: { type: "Polygon", coordinates },
  properties: { code, name: `网格${code}`, level: "grid", ...extra },
});

describe("labelsFromTilePieces", () => {
  it("labels a cell split over two tiles once, inside its larger piece", () => {
    // One cell cut by a tile edge at x = 1: a 1-wide piece left, a 3-wide piece right.
    const labels = labelsFromTilePieces([piece("A", square(0, 0, 1, 1)), piece("A", square(1, 0, 4, 1))]);
    expect(labels.features).toHaveLength(1);
    const [x, y] = labels.features[0]?.geometry.coordinates ?? [];
    expect(x).toBeGreaterThan(1);
    expect(x).toBeLessThan(4);
    expect(y).toBeCloseTo(0.5);
    expect(labels.features[0]?.properties).toMatchObject({ code: "A", name: "网格A" });
    expect(labels.features[0]?.id).toBe("A");
  });

  it("keeps one label per code, in code order, and skips pieces without a code or an area", () => {
    const labels = labelsFromTilePieces([
      piece("B", square(0, 0, 1, 1)),
      piece("A", square(5, 5, 6, 6)),
      { geometry: { type: "Polygon", coordinates: square(0, 0, 1, 1) }, properties: { name: "no code" } },
      { geometry: { type: "Point", coordinates: [0, 0] }, properties: { code: "C" } },
    ]);
    expect(labels.features.map((f) => f.properties.code)).toEqual(["A", "B"]);
  });
});

describe("camerasFromTiles", () => {
  it("keeps single cameras once each and drops clusters", () => {
    const cameras = camerasFromTiles([
      {
        geometry: { type: "Point", coordinates: [1, 2] },
        properties: { id: "C1", cluster: false, bearing: 90, fov_deg: 60, range_m: 50, status: "online" },
      },
      {
        geometry: { type: "Point", coordinates: [1, 2] },
        properties: { id: "C1", cluster: false, status: "online" },
      },
      {
        geometry: { type: "Point", coordinates: [3, 4] },
        properties: { cluster: true, count: 12, faulty: 1 },
      },
      { geometry: { type: "Point", coordinates: [5, 6] }, properties: { id: "C2", cluster: false } },
    ]);
    expect(cameras.features.map((f) => f.properties)).toEqual([
      { id: "C1", bearing: 90, fov_deg: 60, range_m: 50, status: "online" },
      { id: "C2", bearing: null, fov_deg: null, range_m: null, status: "unknown" },
    ]);
  });
});

describe("fingerprint", () => {
  it("changes when a feature moves or another comes, not when the same set is rebuilt", () => {
    const one = labelsFromTilePieces([piece("A", square(0, 0, 1, 1))]);
    expect(fingerprint(one)).toBe(fingerprint(labelsFromTilePieces([piece("A", square(0, 0, 1, 1))])));
    expect(fingerprint(one)).not.toBe(fingerprint(labelsFromTilePieces([piece("A", square(0, 0, 2, 1))])));
    expect(fingerprint(one)).not.toBe(
      fingerprint(labelsFromTilePieces([piece("A", square(0, 0, 1, 1)), piece("B", square(2, 2, 3, 3))])),
    );
  });
});
