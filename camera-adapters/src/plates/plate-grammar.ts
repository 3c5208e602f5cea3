import { PlateParseError } from "./plate-errors.js";
import type { PlateColour, PlateKind } from "./plate-read.js";

/**
 * Chinese motor-vehicle plate grammar (GA 36-2018 and later announcements), as far as
 * plate-recognition cameras report it. See docs/decisions/0021-plate-grammar.md for what
 * is implemented and why.
 */

export const provinceAbbreviations = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

const P = `[${provinceAbbreviations}]`;
/** Letters used on plates: I and O are never issued (they read as 1 and 0). */
const L = "[A-HJ-NP-Z]";
const S = "[A-HJ-NP-Z0-9]";
/**
 * Small new-energy plates: the first serial character says the power train. GA 36-2018
 * issued D (battery electric) and F (other new energy); since 2022 the Ministry of Public
 * Security also issues A, B, C, E (battery electric) and G, H, J, K (other) when D/F run out.
 */
const NEV_SMALL_FIRST = "[A-HJK]";

const plateRules: readonly { kind: PlateKind; pattern: RegExp }[] = [
  { kind: "new_energy_small", pattern: new RegExp(`^${P}${L}${NEV_SMALL_FIRST}${S}\\d{4}$`) },
  { kind: "new_energy_large", pattern: new RegExp(`^${P}${L}\\d{5}[DF]$`) },
  { kind: "regular", pattern: new RegExp(`^${P}${L}${S}{5}$`) },
  { kind: "police", pattern: new RegExp(`^${P}${L}${S}{4}警$`) },
  { kind: "coach", pattern: new RegExp(`^${P}${L}${S}{4}学$`) },
  { kind: "trailer", pattern: new RegExp(`^${P}${L}${S}{4}挂$`) },
  { kind: "consulate", pattern: new RegExp(`^${P}${L}${S}{4}领$`) },
  { kind: "embassy", pattern: /^(使\d{6}|\d{6}使)$/ },
  { kind: "hong_kong", pattern: new RegExp(`^粤Z${S}{4}港$`) },
  { kind: "macau", pattern: new RegExp(`^粤Z${S}{4}澳$`) },
  { kind: "test", pattern: new RegExp(`^${P}${L}${S}{4}试$`) },
  { kind: "super", pattern: new RegExp(`^${P}${L}${S}{4}超$`) },
  { kind: "emergency", pattern: new RegExp(`^${P}${L}${S}{4,5}应急$`) },
];

/** Colour fixed by the kind of plate; regular plates are blue or yellow, so no inference. */
const colourByKind: Partial<Record<PlateKind, PlateColour>> = {
  new_energy_small: "green",
  new_energy_large: "yellow_green",
  police: "white",
  coach: "yellow",
  trailer: "yellow",
  super: "yellow",
  consulate: "black",
  embassy: "black",
  hong_kong: "black",
  macau: "black",
};

/** Texts cameras send when they saw a vehicle but no readable plate. */
const noPlateTexts = new Set([
  "",
  "无",
  "无牌",
  "无车牌",
  "无牌车",
  "车牌",
  "未识别",
  "未知",
  "识别失败",
  "UNKNOWN",
  "NONE",
  "NULL",
  "NOPLATE",
  "NOTRECOGNIZED",
  "UNRECOGNIZED",
  "UNRECOGNISED",
]);

const SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB\u2010-\u2015\-_.]/gu;
const COLOUR_PREFIXES: readonly [string, PlateColour][] = [
  ["黄绿", "yellow_green"],
  ["渐变绿", "green"],
  ["蓝", "blue"],
  ["黄", "yellow"],
  ["白", "white"],
  ["黑", "black"],
  ["绿", "green"],
];
const MAX_PLATE_LENGTH = 16;

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space to their half-width forms. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code === 0x3000 ? " " : String.fromCharCode(code - 0xfee0);
  });
}

/** Half-width, separators removed, upper case. Does not strip colour prefixes. */
export function canonicalPlateText(text: string): string {
  return toHalfWidth(text).replace(SEPARATORS, "").toUpperCase();
}

/**
 * Some cameras (Hikvision in China, many parking cameras) prefix the plate with its
 * colour, e.g. "蓝皖A7XG66". Only a prefix followed by a province abbreviation or 使 counts,
 * so a plate can never lose a real character.
 */
export function splitColourPrefix(text: string): { text: string; colour: PlateColour | null } {
  for (const [prefix, colour] of COLOUR_PREFIXES) {
    if (text.startsWith(prefix) && text.length > prefix.length) {
      const next = text.charAt(prefix.length);
      if (provinceAbbreviations.includes(next) || next === "使") {
        return { text: text.slice(prefix.length), colour };
      }
    }
  }
  return { text, colour: null };
}

export function isNoPlateText(canonical: string): boolean {
  return noPlateTexts.has(canonical) || /^[?*#]+$/.test(canonical) || /^0+$/.test(canonical);
}

export function classifyPlate(plateText: string): { kind: PlateKind; valid: boolean } {
  for (const rule of plateRules) {
    if (rule.pattern.test(plateText)) return { kind: rule.kind, valid: true };
  }
  return { kind: "unknown", valid: false };
}

/** Reads English, pinyin-free Chinese and vendor spellings of a plate colour. */
export function plateColourFromText(value: string | null | undefined): PlateColour {
  if (!value) return "unknown";
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, "");
  if (v === "" || v === "unknown" || v === "other" || v === "未知") return "unknown";
  if (v.includes("yellowgreen") || v.includes("黄绿") || v === "greenyellow") return "yellow_green";
  if (v.includes("green") || v.includes("绿") || v.includes("newenergy")) return "green";
  if (v.includes("blue") || v.includes("蓝")) return "blue";
  if (v.includes("yellow") || v.includes("黄")) return "yellow";
  if (v.includes("white") || v.includes("白")) return "white";
  if (v.includes("black") || v.includes("黑")) return "black";
  return "unknown";
}

export interface PlateAnalysis {
  plateText: string;
  plateRaw: string;
  plateKind: PlateKind;
  plateValid: boolean;
  plateColour: PlateColour;
  /** Where the colour came from: the device's field, the text prefix, the plate kind, or nowhere. */
  colourSource: "device" | "prefix" | "kind" | "none";
}

/**
 * Normalises a plate as reported by a device and classifies it. Unknown formats are kept
 * and flagged invalid; texts that mean "no plate" throw `plate_empty` so the server can
 * dead-letter them.
 */
export function analysePlate(raw: string, deviceColour: PlateColour = "unknown"): PlateAnalysis {
  const canonical = canonicalPlateText(raw);
  const { text, colour: prefixColour } = splitColourPrefix(canonical);
  if (isNoPlateText(text) || isNoPlateText(canonical.replace(/^(黄绿|渐变绿|[蓝黄白黑绿])/, "")))
    throw new PlateParseError("plate_empty", JSON.stringify(raw.slice(0, 40)));
  if (text.length > MAX_PLATE_LENGTH)
    throw new PlateParseError("plate_too_long", `${text.length} characters`);
  const { kind, valid } = classifyPlate(text);
  const kindColour = colourByKind[kind];
  let plateColour: PlateColour = "unknown";
  let colourSource: PlateAnalysis["colourSource"] = "none";
  if (deviceColour !== "unknown") {
    plateColour = deviceColour;
    colourSource = "device";
  } else if (prefixColour) {
    plateColour = prefixColour;
    colourSource = "prefix";
  } else if (kindColour) {
    plateColour = kindColour;
    colourSource = "kind";
  }
  return { plateText: text, plateRaw: raw, plateKind: kind, plateValid: valid, plateColour, colourSource };
}
