import { describe, expect, it } from "vitest";
import {
  extendLine,
  mayRestructure,
  mergeCandidates,
  moveTargets,
  type RuleCell,
  sharesBoundary,
} from "./shape-rules.js";

const square = (x: number, y: number, size = 1): GeoJSON.Polygon => ({
  type: "Polygon",
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

const cell = (code: string, parent: string | null, geometry: GeoJSON.Polygon, level = "grid"): RuleCell => ({
  properties: { code, name: code, level, parent_code: parent },
  geometry,
});

describe("sharesBoundary", () => {
  it("is true for squares sharing an edge, false for a shared corner or a gap", () => {
    expect(sharesBoundary(square(0, 0), square(1, 0))).toBe(true);
    expect(sharesBoundary(square(0, 0), square(1, 1))).toBe(false);
    expect(sharesBoundary(square(0, 0), square(1.001, 0))).toBe(false);
  });
  it("sees a T-junction: a short edge lying along a longer one", () => {
    expect(sharesBoundary(square(0, 0, 2), square(2, 0.5, 1))).toBe(true);
  });
});

describe("mergeCandidates", () => {
  const cells = [
    cell("C", null, square(0, 0, 3), "community"),
    cell("A", "C", square(0, 0)),
    cell("B", "C", square(1, 0)),
    cell("D", "C", square(1, 1)), // touches A at a corner only
    cell("E", "C", square(0, 1)), // above A, but has a child
    cell("E1", "E", square(0, 1)),
    cell("X", "other", square(-1, 0)), // touching, but another parent
  ];
  it("offers touching leaf siblings only, sorted by code", () => {
    expect(mergeCandidates(cells, "A").map((c) => c.properties.code)).toEqual(["B"]);
  });
  it("offers nothing for a root or an unknown cell", () => {
    expect(mergeCandidates(cells, "C")).toEqual([]);
    expect(mergeCandidates(cells, "nope")).toEqual([]);
  });
});

describe("extendLine", () => {
  it("pushes both ends outward along their last segments and keeps the middle", () => {
    const line = extendLine(
      [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
      0.5,
    );
    expect(line).toEqual([
      [-0.5, 0],
      [1, 0],
      [1, 1.5],
    ]);
  });
  it("leaves a degenerate line alone", () => {
    expect(extendLine([[1, 1]])).toEqual([[1, 1]]);
  });
});

describe("mayRestructure", () => {
  const visible = new Map([
    ["D", {}],
    ["S", {}],
  ]);
  it("needs the parent within the caller's cells; a root needs itself", () => {
    expect(mayRestructure({ code: "S", name: "", level: "street", parent_code: "D" }, visible)).toBe(true);
    expect(mayRestructure({ code: "G", name: "", level: "grid", parent_code: "C" }, visible)).toBe(false);
    expect(mayRestructure({ code: "D", name: "", level: "district", parent_code: null }, visible)).toBe(true);
  });
});

describe("moveTargets", () => {
  const cells = [
    { code: "D", name: "d", level: "district", parent_code: null },
    { code: "S1", name: "s1", level: "street", parent_code: "D" },
    { code: "S2", name: "s2", level: "street", parent_code: "D" },
    { code: "C1", name: "c1", level: "community", parent_code: "S1" },
    { code: "C2", name: "c2", level: "community", parent_code: "S2" },
    { code: "C0", name: "c0", level: "community", parent_code: "S2" },
  ];
  it("lists the other cells at the parent's level", () => {
    expect(moveTargets(cells, "C1").map((c) => c.code)).toEqual(["S2"]);
    expect(moveTargets(cells, "S1")).toEqual([]);
    expect(moveTargets(cells, "D")).toEqual([]);
  });
});
