import { levelOfCellCode, loadDemoDistrict, parentCellCode } from "@gridops/gis-data";
import { describe, expect, it } from "vitest";
import {
  checkCellCode,
  childCode,
  DEFAULT_SCHEME,
  levelOfCode,
  nextFreeChildCodes,
  parentCodeOf,
  schemeOf,
} from "./cell-code-scheme.js";

describe("cell code scheme", () => {
  it("agrees with gis-data's 15-digit codes on every demo cell", async () => {
    const { cells } = await loadDemoDistrict();
    for (const f of cells.features) {
      const { code, level, parent_code } = f.properties;
      expect(levelOfCode(DEFAULT_SCHEME, code)?.level).toBe(levelOfCellCode(code));
      expect(parentCodeOf(DEFAULT_SCHEME, code)).toBe(parentCellCode(code));
      expect(checkCellCode(DEFAULT_SCHEME, code, level, parent_code)).toBeNull();
    }
  });

  it("names what is wrong with a bad code", () => {
    const cases: [string, string, string | null, string][] = [
      ["33019900100200", "grid", "330199001002000", "code_format"],
      ["33019900100200a", "grid", "330199001002000", "code_format"],
      ["330199000002001", "grid", "330199000002000", "code_segment_zero"],
      ["000000001002003", "grid", "000000001002000", "code_segment_zero"],
      ["330199001002000", "grid", "330199001000000", "code_level_mismatch"],
      ["330199001003007", "grid", "330199001002000", "code_outside_parent_prefix"],
      ["330199001002007", "grid", null, "code_parent_mismatch"],
    ];
    for (const [code, level, parent, expected] of cases) {
      expect(checkCellCode(DEFAULT_SCHEME, code, level, parent)?.code, code).toBe(expected);
    }
  });

  it("proposes one past the highest code ever used, then the lowest free one", () => {
    const parent = "330199001002000";
    expect(nextFreeChildCodes(DEFAULT_SCHEME, parent, [])).toEqual(["330199001002001"]);
    expect(nextFreeChildCodes(DEFAULT_SCHEME, parent, ["330199001002001", "330199001002007"], 2)).toEqual([
      "330199001002008",
      "330199001002009",
    ]);
    const full = ["330199001002999", "330199001002001"];
    expect(nextFreeChildCodes(DEFAULT_SCHEME, parent, full, 2)).toEqual([
      "330199001002002",
      "330199001002003",
    ]);
    expect(childCode(DEFAULT_SCHEME, "330199000000000", 12)).toBe("330199012000000");
    expect(() => childCode(DEFAULT_SCHEME, "330199001002003", 1)).toThrow(/cannot have children/);
  });

  it("works for other segment layouts (12 digits: 6 + 2 + 2 + 2)", () => {
    const scheme = schemeOf([
      { level: "district", depth: 0, prefixLength: 6, nameZh: null, nameEn: null },
      { level: "street", depth: 1, prefixLength: 8, nameZh: null, nameEn: null },
      { level: "community", depth: 2, prefixLength: 10, nameZh: null, nameEn: null },
      { level: "grid", depth: 3, prefixLength: 12, nameZh: null, nameEn: null },
    ]);
    expect(levelOfCode(scheme, "110101030000")?.level).toBe("street");
    expect(parentCodeOf(scheme, "110101030412")).toBe("110101030400");
    expect(nextFreeChildCodes(scheme, "110101030400", ["110101030499"])).toEqual(["110101030401"]);
    expect(checkCellCode(scheme, "110101030412", "grid", "110101030400")).toBeNull();
  });
});
