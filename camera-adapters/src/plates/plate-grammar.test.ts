import { describe, expect, it } from "vitest";
import { PlateParseError } from "./plate-errors.js";
import {
  analysePlate,
  canonicalPlateText,
  classifyPlate,
  plateColourFromText,
  splitColourPrefix,
  toHalfWidth,
} from "./plate-grammar.js";
import type { PlateKind } from "./plate-read.js";

describe("classifyPlate: valid plates by kind", () => {
  const valid: [string, PlateKind][] = [
    ["京A12345", "regular"],
    ["沪BQ3C56", "regular"],
    ["粤B8X2Y1", "regular"],
    ["皖A7XG66", "regular"],
    ["苏AD12345", "new_energy_small"],
    ["苏AFA1234", "new_energy_small"],
    ["浙AA12345", "new_energy_small"],
    ["浙AK12345", "new_energy_small"],
    ["沪A12345D", "new_energy_large"],
    ["沪A12345F", "new_energy_large"],
    ["京A1234警", "police"],
    ["川A0123学", "coach"],
    ["鲁B1234挂", "trailer"],
    ["沪A0001领", "consulate"],
    ["使014578", "embassy"],
    ["224001使", "embassy"],
    ["粤Z1234港", "hong_kong"],
    ["粤ZA123澳", "macau"],
    ["京A1234试", "test"],
    ["冀A1234超", "super"],
    ["京A1234应急", "emergency"],
  ];
  it.each(valid)("%s is %s", (plate, kind) => {
    expect(classifyPlate(plate)).toEqual({ kind, valid: true });
  });
});

describe("classifyPlate: invalid plates stay unknown", () => {
  const invalid = [
    "京I12345", // I is never issued
    "京A1234O", // O is never issued
    "京A1234", // too short
    "京A1234567", // too long
    "XA12345", // not a province
    "京112345", // authority must be a letter
    "苏AL12345", // L is not a new-energy power-train letter
    "沪A1234DF", // large new-energy needs five digits first
    "沪A12345Z", // large new-energy ends in D or F only
    "苏AD1234X", // small new-energy ends in four digits
    "苏AF1A234", // ... so a letter in the last four is wrong
    "京A123警", // police needs four serial characters
    "使01457", // embassy needs six digits
    "粤A1234港", // Hong Kong plates are 粤Z
    "A13709",
    "1กข2345",
  ];
  it.each(invalid)("%s is unknown/invalid", (plate) => {
    expect(classifyPlate(plate)).toEqual({ kind: "unknown", valid: false });
  });
});

describe("normalisation", () => {
  it("turns full-width letters, digits and spaces half-width", () => {
    expect(toHalfWidth("京Ａ１２３４５")).toBe("京A12345");
    expect(toHalfWidth("粤\u3000B")).toBe("粤 B");
  });

  it("removes separators and upper-cases", () => {
    expect(canonicalPlateText("京a·123 45")).toBe("京A12345");
    expect(canonicalPlateText("沪A-D1234 5")).toBe("沪AD12345");
    expect(canonicalPlateText("粤B・8X2Y1")).toBe("粤B8X2Y1");
    expect(canonicalPlateText("51a-123.45")).toBe("51A12345");
  });

  it("full-width input analyses to the same plate as half-width", () => {
    const a = analysePlate("京Ａ·１２３４５");
    expect(a.plateText).toBe("京A12345");
    expect(a.plateRaw).toBe("京Ａ·１２３４５");
    expect(a.plateValid).toBe(true);
  });

  it("strips a colour prefix only when a province follows", () => {
    expect(splitColourPrefix("蓝皖A7XG66")).toEqual({ text: "皖A7XG66", colour: "blue" });
    expect(splitColourPrefix("黄绿沪A12345D")).toEqual({ text: "沪A12345D", colour: "yellow_green" });
    expect(splitColourPrefix("黑A12345")).toEqual({ text: "黑A12345", colour: null });
    expect(splitColourPrefix("黑黑A12345")).toEqual({ text: "黑A12345", colour: "black" });
  });
});

describe("analysePlate", () => {
  it("keeps unknown formats, flagged", () => {
    const a = analysePlate("ABC-123");
    expect(a).toMatchObject({
      plateText: "ABC123",
      plateValid: false,
      plateKind: "unknown",
      plateColour: "unknown",
    });
  });

  it("prefers the device colour, then the prefix, then the kind", () => {
    expect(analysePlate("苏AD12345", "yellow")).toMatchObject({
      plateColour: "yellow",
      colourSource: "device",
    });
    expect(analysePlate("白京A1234警")).toMatchObject({ plateColour: "white", colourSource: "prefix" });
    expect(analysePlate("苏AD12345")).toMatchObject({ plateColour: "green", colourSource: "kind" });
    expect(analysePlate("沪A12345D")).toMatchObject({ plateColour: "yellow_green", colourSource: "kind" });
    expect(analysePlate("京A12345")).toMatchObject({ plateColour: "unknown", colourSource: "none" });
  });

  const noPlate = [
    "",
    "  ",
    "-",
    "无车牌",
    "未识别",
    "_无_",
    "无牌车",
    "unknown",
    "????",
    "蓝无车牌",
    "０００００",
  ];
  it.each(noPlate)("%j is plate_empty", (text) => {
    try {
      analysePlate(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlateParseError);
      expect((error as PlateParseError).code).toBe("plate_empty");
      expect((error as PlateParseError).messageZh).toContain("未识别到车牌");
    }
  });

  it("refuses absurdly long text", () => {
    expect(() => analysePlate("A".repeat(40))).toThrowError(
      expect.objectContaining({ code: "plate_too_long" }),
    );
  });
});

describe("plateColourFromText", () => {
  it.each([
    ["blue", "blue"],
    ["Yellow", "yellow"],
    ["yellowGreen", "yellow_green"],
    ["yellow_green", "yellow_green"],
    ["黄绿色", "yellow_green"],
    ["渐变绿", "green"],
    ["newEnergyGreen", "green"],
    ["白", "white"],
    ["Black", "black"],
    ["unknown", "unknown"],
    ["civilAviation", "unknown"],
    [undefined, "unknown"],
  ] as const)("%s → %s", (text, colour) => {
    expect(plateColourFromText(text)).toBe(colour);
  });
});
