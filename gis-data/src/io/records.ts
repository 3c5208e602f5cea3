import { type CrsId, geometryToWgs84 } from "./crs.js";
import { CellIoError } from "./errors.js";
import { type CellRecord, toMultiPolygon } from "./geometry.js";

/** Attribute names accepted for each field (case-insensitive; Shapefile names are ≤ 10 chars). */
const ALIASES: Record<"code" | "name" | "name_en" | "level" | "parent_code", string[]> = {
  code: ["code", "cell_code", "grid_code", "编码", "网格编码"],
  name: ["name", "name_zh", "名称"],
  name_en: ["name_en", "nameen", "ename"],
  level: ["level", "层级"],
  parent_code: ["parent_code", "parent", "parentcode", "上级编码"],
};

function pick(props: Record<string, unknown>, field: keyof typeof ALIASES): string | null {
  for (const [key, value] of Object.entries(props)) {
    if (ALIASES[field].includes(key.toLowerCase()) && value !== null && value !== undefined) {
      const text = String(value).trim();
      if (text !== "") return text;
    }
  }
  return null;
}

/** One feature's attributes and geometry (in `crs`) → a cell record in WGS 84. */
export function toCellRecord(
  props: Record<string, unknown> | null,
  geometry: unknown,
  row: number,
  crs: CrsId,
): CellRecord {
  const attributes = props ?? {};
  const code = pick(attributes, "code");
  if (!code) {
    throw new CellIoError("missing_attribute", "has no cell code (attribute code / cell_code / 编码)", {
      row,
    });
  }
  const at = { row, code };
  const wgs84 = geometryToWgs84(toMultiPolygon(geometry, at), crs, at);
  return {
    code,
    name: pick(attributes, "name") ?? code,
    name_en: pick(attributes, "name_en"),
    level: pick(attributes, "level"),
    parent_code: pick(attributes, "parent_code"),
    geometry: wgs84,
    row,
  };
}

export interface ReadProgress {
  phase: "unpacking" | "reading";
  done: number;
  total: number | null;
}
