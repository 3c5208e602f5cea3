import { describe, expect, it } from "vitest";
import { edgesOf, snapToEdges } from "./snap.js";

// A flat projection: 1 degree = 100 px, so distances are easy to reason about.
const project = (lng: number, lat: number) => ({ x: lng * 100, y: -lat * 100 });
const square: GeoJSON.Polygon = {
  type: "Polygon",
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
};

describe("edgesOf", () => {
  it("lists each ring segment once", () => {
    expect(edgesOf([square])).toHaveLength(4);
    expect(
      edgesOf([{ type: "MultiPolygon", coordinates: [square.coordinates, square.coordinates] }]),
    ).toHaveLength(8);
  });
});

describe("snapToEdges", () => {
  const edges = edgesOf([square]);
  it("snaps onto the nearest edge within the tolerance", () => {
    const snapped = snapToEdges({ x: 103, y: -50 }, edges, project, 5);
    expect(snapped?.[0]).toBeCloseTo(1);
    expect(snapped?.[1]).toBeCloseTo(0.5);
  });
  it("prefers a vertex near the pointer over the edge", () => {
    expect(snapToEdges({ x: 102, y: -97 }, edges, project, 5)).toEqual([1, 1]);
  });
  it("leaves the pointer alone when nothing is close", () => {
    expect(snapToEdges({ x: 150, y: -50 }, edges, project, 5)).toBeUndefined();
  });
});
