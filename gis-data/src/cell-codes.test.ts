import { describe, expect, it } from "vitest";
import { cellCodePrefix, levelOfCellCode, parentCellCode } from "./cell-codes.js";

describe("cell code scheme", () => {
  it.each([
    ["330199000000000", "district", "330199", null],
    ["330199001000000", "street", "330199001", "330199000000000"],
    ["330199001002000", "community", "330199001002", "330199001000000"],
    ["330199001002007", "grid", "330199001002007", "330199001002000"],
  ] as const)("%s is a %s with prefix %s and parent %s", (code, level, prefix, parent) => {
    expect(levelOfCellCode(code)).toBe(level);
    expect(cellCodePrefix(code)).toBe(prefix);
    expect(parentCellCode(code)).toBe(parent);
  });

  it.each([
    ["too short", "33019900100200"],
    ["not digits", "33019900100200x"],
    ["grid under a zero community", "330199001000007"],
    ["community under a zero street", "330199000002000"],
    ["zero division code", "000000001000000"],
  ])("rejects %s", (_why, code) => {
    expect(levelOfCellCode(code)).toBeNull();
    expect(() => parentCellCode(code)).toThrow(RangeError);
  });
});
