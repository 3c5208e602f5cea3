import { describe, expect, it } from "vitest";
import { buildTree, pathTo } from "./cell-tree.js";

const cells = [
  { code: "11", name: "b", level: "street", parent_code: "1" },
  { code: "1", name: "d", level: "district", parent_code: null },
  { code: "10", name: "a", level: "street", parent_code: "1" },
  { code: "101", name: "g", level: "grid", parent_code: "10" },
  { code: "901", name: "orphan", level: "grid", parent_code: "90" },
];

describe("cell tree", () => {
  it("nests by parent code, sorted, with out-of-scope parents as roots", () => {
    const tree = buildTree(cells);
    expect(tree.map((n) => n.cell.code)).toEqual(["1", "901"]);
    expect(tree[0]?.children.map((n) => n.cell.code)).toEqual(["10", "11"]);
    expect(tree[0]?.children[0]?.children.map((n) => n.cell.code)).toEqual(["101"]);
  });
  it("finds the path from the root to a cell", () => {
    expect(pathTo(new Map(cells.map((c) => [c.code, c])), "101")).toEqual(["1", "10", "101"]);
  });
});
