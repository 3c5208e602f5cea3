import { describe, expect, it } from "vitest";
import { LocalPolygon, type Ring, unionOfTiles, VertexTable } from "./planar-topology.js";
import { createLocalProjection } from "./projection.js";

/** Tiles on a unit lattice (1e-7° per step) so vertex ids can be written as (col,row). */
function lattice() {
  const table = new VertexTable(createLocalProjection(120, 30));
  const v = (col: number, row: number) => table.idOf([1_200_000_000 + col * 1000, 300_000_000 + row * 1000]);
  const square = (col: number, row: number): Ring => [
    v(col, row),
    v(col + 1, row),
    v(col + 1, row + 1),
    v(col, row + 1),
  ];
  return { table, v, square };
}

describe("unionOfTiles", () => {
  it("merges a 3x3 block minus its centre into one polygon with one hole", () => {
    const { table, v, square } = lattice();
    const tiles: Ring[] = [];
    for (let col = 0; col < 3; col++)
      for (let row = 0; row < 3; row++) if (col !== 1 || row !== 1) tiles.push(square(col, row));
    const result = unionOfTiles(tiles, table);
    expect(result).toHaveLength(1);
    const [polygon] = result;
    expect(new Set(polygon!.outer)).toEqual(
      new Set([
        v(0, 0),
        v(1, 0),
        v(2, 0),
        v(3, 0),
        v(3, 1),
        v(3, 2),
        v(3, 3),
        v(2, 3),
        v(1, 3),
        v(0, 3),
        v(0, 2),
        v(0, 1),
      ]),
    );
    expect(polygon!.holes).toHaveLength(1);
    expect(new Set(polygon!.holes[0])).toEqual(new Set([v(1, 1), v(2, 1), v(2, 2), v(1, 2)]));
    const shape = new LocalPolygon(result, table);
    const centreOfHole = table.at(v(1, 1));
    expect(shape.contains({ x: centreOfHole.x + 5, y: centreOfHole.y + 5 })).toBe(false);
    expect(shape.contains({ x: centreOfHole.x - 5, y: centreOfHole.y + 5 })).toBe(true);
  });

  it("splits squares that touch only at a corner into two polygons", () => {
    const { table, square } = lattice();
    const result = unionOfTiles([square(0, 0), square(1, 1)], table);
    expect(result).toHaveLength(2);
    expect(result.map((p) => p.outer.length)).toEqual([4, 4]);
  });

  it("refuses overlapping tiles", () => {
    const { table, square } = lattice();
    expect(() => unionOfTiles([square(0, 0), square(0, 0)], table)).toThrow(/overlap/);
  });

  it("keeps exactly the children's vertices on the merged boundary", () => {
    const { table, v, square } = lattice();
    const [polygon] = unionOfTiles([square(0, 0), square(1, 0)], table);
    expect(polygon!.outer).toHaveLength(6);
    expect(polygon!.outer).toContain(v(1, 0));
    expect(polygon!.outer).toContain(v(1, 1));
  });
});
