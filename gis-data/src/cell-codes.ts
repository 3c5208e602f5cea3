/**
 * Cell codes: 15 digits = 6-digit administrative division code (GB/T 2260) + 3 digits
 * street + 3 digits community + 3 digits grid. A cell's own segment is 001-999 and the
 * segments below its level are zeros, so a child's code starts with its parent's
 * non-zero prefix:
 *
 *   district   330199 000 000 000
 *   street     330199 001 000 000
 *   community  330199 001 002 000
 *   grid       330199 001 002 007
 */

export const CELL_LEVELS = ["district", "street", "community", "grid"] as const;
export type CellLevel = (typeof CELL_LEVELS)[number];

const PREFIX_LENGTH: Record<CellLevel, number> = { district: 6, street: 9, community: 12, grid: 15 };

export const CELL_CODE_PATTERN = /^\d{15}$/;

/** The level a code encodes, or null when it breaks the scheme (e.g. a zero segment
 * followed by a non-zero one, or a district code that is all zeros). */
export function levelOfCellCode(code: string): CellLevel | null {
  if (!CELL_CODE_PATTERN.test(code) || code.startsWith("000000")) return null;
  const segments = [code.slice(6, 9), code.slice(9, 12), code.slice(12, 15)];
  const used = segments.indexOf("000");
  const depth = used === -1 ? 3 : used;
  if (segments.slice(depth).some((s) => s !== "000")) return null;
  return CELL_LEVELS[depth]!;
}

/** The code's non-zero prefix: what every descendant's code starts with. */
export function cellCodePrefix(code: string): string {
  const level = levelOfCellCode(code);
  if (!level) throw new RangeError(`"${code}" is not a valid cell code`);
  return code.slice(0, PREFIX_LENGTH[level]);
}

/** The parent's code, or null for a district. */
export function parentCellCode(code: string): string | null {
  const level = levelOfCellCode(code);
  if (!level) throw new RangeError(`"${code}" is not a valid cell code`);
  if (level === "district") return null;
  const parentLength = PREFIX_LENGTH[CELL_LEVELS[CELL_LEVELS.indexOf(level) - 1]!];
  return code.slice(0, parentLength).padEnd(15, "0");
}
