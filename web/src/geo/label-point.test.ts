import type { MultiPolygon, Polygon } from "geojson";
import { describe, expect, it } from "vitest";
import { insidePolygon, labelPoint, labelPoints } from "./label-point.js";

const square: Polygon = {
  type: "Polygon",
  coordinates: [
    [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ],
  ],
};

// A "U": the centroid of its outline falls in the notch, outside the shape.
const uShape: Polygon = {
  type: "Polygon",
  coordinates: [
    [
      [0, 0],
      [6, 0],
      [6, 6],
      [4, 6],
      [4, 2],
      [2, 2],
      [2, 6],
      [0, 6],
      [0, 0],
    ],
  ],
};

describe("labelPoint", () => {
  it("uses the centroid of a convex cell", () => {
    const point = labelPoint(square);
    expect(point?.[0]).toBeCloseTo(2);
    expect(point?.[1]).toBeCloseTo(2);
  });

  it("moves into the shape when the centroid falls outside it", () => {
    const point = labelPoint(uShape);
    expect(point).not.toBeNull();
    expect(insidePolygon(point ?? [], uShape.coordinates)).toBe(true);
  });

  it("labels the largest part of a multipolygon", () => {
    const multi: MultiPolygon = {
      type: "MultiPolygon",
      coordinates: [
        [
          [
            [10, 10],
            [11, 10],
            [11, 11],
            [10, 11],
            [10, 10],
          ],
        ],
        square.coordinates,
      ],
    };
    const point = labelPoint(multi);
    expect(point?.[0]).toBeCloseTo(2);
  });

  it("avoids a hole in the middle of the cell", () => {
    const donut: Polygon = {
      type: "Polygon",
      coordinates: [
        square.coordinates[0] ?? [],
        [
          [1, 1],
          [1, 3],
          [3, 3],
          [3, 1],
          [1, 1],
        ],
      ],
    };
    const point = labelPoint(donut);
    expect(insidePolygon(point ?? [], donut.coordinates)).toBe(true);
  });

  it("returns null for a degenerate ring", () => {
    expect(
      labelPoint({
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toBeNull();
  });
});

describe("labelPoints", () => {
  it("keeps the cell's id and properties on its label point", () => {
    const points = labelPoints({
      type: "FeatureCollection",
      features: [{ type: "Feature", id: "310101", geometry: square, properties: { name: "外滩街道" } }],
    });
    expect(points.features[0]).toMatchObject({ id: "310101", properties: { name: "外滩街道" } });
  });
});
