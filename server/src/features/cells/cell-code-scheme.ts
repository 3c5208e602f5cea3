import type { Queryable } from "../../db/pool.js";

/**
 * The configurable code scheme. Each level keeps the first `prefixLength` characters of
 * its code and pads the rest with "0"; the deepest level's prefix length is the code
 * length. The default (6 + 3 + 3 + 3 = 15 digits) is the one gis-data's cell-codes.ts
 * describes; the tests check the two agree on every demo code.
 */
export interface CellLevelDef {
  level: string;
  depth: number;
  prefixLength: number;
  nameZh: string | null;
  nameEn: string | null;
}

export interface CellCodeScheme {
  levels: readonly CellLevelDef[];
  codeLength: number;
}

export type CodeProblemCode =
  | "code_format"
  | "code_level_mismatch"
  | "code_outside_parent_prefix"
  | "code_parent_mismatch"
  | "code_segment_zero";

export interface CodeProblem {
  code: CodeProblemCode;
  message: string;
}

export function schemeOf(levels: readonly CellLevelDef[]): CellCodeScheme {
  const sorted = [...levels].sort((a, b) => a.depth - b.depth);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.prefixLength <= sorted[i - 1]!.prefixLength) {
      throw new RangeError("each level's prefix must be longer than its parent's");
    }
  }
  return { levels: sorted, codeLength: sorted.at(-1)?.prefixLength ?? 0 };
}

export const DEFAULT_SCHEME: CellCodeScheme = schemeOf([
  { level: "district", depth: 0, prefixLength: 6, nameZh: "区(县)", nameEn: "District" },
  { level: "street", depth: 1, prefixLength: 9, nameZh: "街道(乡镇)", nameEn: "Street" },
  { level: "community", depth: 2, prefixLength: 12, nameZh: "社区(村)", nameEn: "Community" },
  { level: "grid", depth: 3, prefixLength: 15, nameZh: "网格", nameEn: "Grid" },
]);

export async function loadCodeScheme(db: Queryable): Promise<CellCodeScheme> {
  const { rows } = await db.query<CellLevelDef>(
    `SELECT level, depth, prefix_length AS "prefixLength", name_zh AS "nameZh", name_en AS "nameEn"
       FROM cell_levels ORDER BY depth`,
  );
  return schemeOf(rows);
}

export const levelDef = (scheme: CellCodeScheme, level: string): CellLevelDef | undefined =>
  scheme.levels.find((l) => l.level === level);

export const leafLevel = (scheme: CellCodeScheme): CellLevelDef => scheme.levels.at(-1)!;

export function childLevel(scheme: CellCodeScheme, level: string): CellLevelDef | undefined {
  const def = levelDef(scheme, level);
  return def ? scheme.levels[scheme.levels.indexOf(def) + 1] : undefined;
}

/** The level a code encodes: the shortest prefix after which everything is zeros. */
export function levelOfCode(scheme: CellCodeScheme, code: string): CellLevelDef | null {
  if (code.length !== scheme.codeLength || !/^\d+$/.test(code)) return null;
  let previous = 0;
  for (const def of scheme.levels) {
    const segment = code.slice(previous, def.prefixLength);
    const rest = code.slice(def.prefixLength);
    if (/^0+$/.test(segment)) return null;
    if (/^0*$/.test(rest)) return def;
    previous = def.prefixLength;
  }
  return null;
}

export function prefixOf(scheme: CellCodeScheme, code: string): string {
  const def = levelOfCode(scheme, code);
  if (!def) throw new RangeError(`"${code}" is not a valid cell code`);
  return code.slice(0, def.prefixLength);
}

export function parentCodeOf(scheme: CellCodeScheme, code: string): string | null {
  const def = levelOfCode(scheme, code);
  if (!def) throw new RangeError(`"${code}" is not a valid cell code`);
  if (def.depth === 0) return null;
  const parent = scheme.levels[scheme.levels.indexOf(def) - 1]!;
  return code.slice(0, parent.prefixLength).padEnd(scheme.codeLength, "0");
}

/** Why `code` cannot be a `level` cell under `parentCode`, or null when it can. */
export function checkCellCode(
  scheme: CellCodeScheme,
  code: string,
  level: string,
  parentCode: string | null,
): CodeProblem | null {
  if (!/^\d+$/.test(code) || code.length !== scheme.codeLength) {
    return { code: "code_format", message: `Cell code "${code}" must be ${scheme.codeLength} digits.` };
  }
  const encoded = levelOfCode(scheme, code);
  if (!encoded) {
    return {
      code: "code_segment_zero",
      message: `Cell code "${code}" has an all-zero segment followed by a non-zero one, or a zero root.`,
    };
  }
  if (encoded.level !== level) {
    return {
      code: "code_level_mismatch",
      message: `Cell code "${code}" encodes level ${encoded.level}, not ${level}.`,
    };
  }
  const expectedParent = parentCodeOf(scheme, code);
  if (parentCode !== null && expectedParent !== null && !code.startsWith(prefixOf(scheme, parentCode))) {
    return {
      code: "code_outside_parent_prefix",
      message: `Cell code "${code}" does not start with its parent's prefix "${prefixOf(scheme, parentCode)}".`,
    };
  }
  if (expectedParent !== parentCode) {
    return {
      code: "code_parent_mismatch",
      message: `Cell code "${code}" belongs under ${expectedParent ?? "no parent"}, not ${parentCode ?? "no parent"}.`,
    };
  }
  return null;
}

/** The child code with segment number `n` (1-based) under `parentCode`. */
export function childCode(scheme: CellCodeScheme, parentCode: string, n: number): string {
  const parent = levelOfCode(scheme, parentCode);
  const child = parent && childLevel(scheme, parent.level);
  if (!parent || !child) throw new RangeError(`"${parentCode}" cannot have children`);
  const width = child.prefixLength - parent.prefixLength;
  if (!Number.isInteger(n) || n < 1 || n >= 10 ** width)
    throw new RangeError(`segment ${n} does not fit ${width} digits`);
  return (parentCode.slice(0, parent.prefixLength) + String(n).padStart(width, "0")).padEnd(
    scheme.codeLength,
    "0",
  );
}

/**
 * Proposes the next code under `parentCode`: one past the highest ever used (retired codes
 * are never reused, so history stays unambiguous); when the top is taken, the lowest free one.
 */
export function nextFreeChildCodes(
  scheme: CellCodeScheme,
  parentCode: string,
  takenCodes: Iterable<string>,
  count = 1,
): string[] {
  const parent = levelOfCode(scheme, parentCode);
  const child = parent && childLevel(scheme, parent.level);
  if (!parent || !child) throw new RangeError(`"${parentCode}" cannot have children`);
  const taken = new Set<number>();
  for (const code of takenCodes) {
    if (code.startsWith(parentCode.slice(0, parent.prefixLength))) {
      taken.add(Number(code.slice(parent.prefixLength, child.prefixLength)));
    }
  }
  const max = 10 ** (child.prefixLength - parent.prefixLength) - 1;
  const result: string[] = [];
  let n = Math.max(0, ...taken) + 1;
  while (result.length < count && n <= max) result.push(childCode(scheme, parentCode, n++));
  for (n = 1; result.length < count && n <= max; n++) {
    if (!taken.has(n) && !result.includes(childCode(scheme, parentCode, n)))
      result.push(childCode(scheme, parentCode, n));
  }
  return result;
}
