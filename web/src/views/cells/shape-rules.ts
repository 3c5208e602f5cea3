import type { AreaGeometry } from "./cell-edit-api.js";
import type { TreeCell } from "./cell-tree.js";
import { type Edge, edgesOf, type LngLat } from "./snap.js";

/**
 * The deepest level, which has no children and carries leaders and workers. The server's
 * cells API names the four levels in its query schema, so the web does the same.
 */
export const LEAF_LEVEL = "grid";

/** A cell as the rules below need it: its place in the tree and its area. */
export interface RuleCell {
  properties: TreeCell;
  geometry: AreaGeometry;
}

/**
 * Whether the caller may change this cell's shape or place (split, merge, retire, move,
 * redraw, appoint a leader). The server wants the parent — for a root, the cell itself —
 * within the caller's cells; the cells list only holds cells within them, so "the parent is
 * in the list" is the same test (cell-edits.service.ts, requireStructuralScope).
 */
export function mayRestructure(cell: TreeCell, visible: ReadonlyMap<string, unknown>): boolean {
  return visible.has(cell.parent_code ?? cell.code);
}

export function childrenOf(cells: readonly RuleCell[], code: string): RuleCell[] {
  return cells.filter((c) => c.properties.parent_code === code);
}

type Box = readonly [number, number, number, number];

function boxOf(geometry: AreaGeometry): Box {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [[x0, y0], [x1, y1]] of edgesOf([geometry])) {
    w = Math.min(w, x0, x1);
    e = Math.max(e, x0, x1);
    s = Math.min(s, y0, y1);
    n = Math.max(n, y0, y1);
  }
  return [w, s, e, n];
}

const boxesTouch = (a: Box, b: Box, eps: number) =>
  a[0] <= b[2] + eps && b[0] <= a[2] + eps && a[1] <= b[3] + eps && b[1] <= a[3] + eps;

/** Distance of `p` from the infinite line through `a`–`b`, and where `p` projects onto it (0 at a, 1 at b). */
function lineDistance(p: LngLat, a: LngLat, b: LngLat): { distance: number; t: number } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return { distance: Math.hypot(p[0] - a[0], p[1] - a[1]), t: 0 };
  const distance = Math.abs(dx * (p[1] - a[1]) - dy * (p[0] - a[0])) / length;
  return { distance, t: ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (length * length) };
}

/** Two edges lie on one line and overlap for more than a point. */
function edgesShare(s: Edge, u: Edge, eps: number): boolean {
  const from = lineDistance(u[0], s[0], s[1]);
  const to = lineDistance(u[1], s[0], s[1]);
  if (from.distance > eps || to.distance > eps) return false;
  const length = Math.hypot(s[1][0] - s[0][0], s[1][1] - s[0][1]);
  if (length === 0) return false;
  const overlap = Math.min(1, Math.max(from.t, to.t)) - Math.max(0, Math.min(from.t, to.t));
  return overlap * length > eps;
}

/**
 * Whether two cells share a stretch of boundary (not just a corner): only such neighbours
 * merge into one piece. `eps` is in degrees; 1e-7° is about a centimetre.
 */
export function sharesBoundary(a: AreaGeometry, b: AreaGeometry, eps = 1e-7): boolean {
  if (!boxesTouch(boxOf(a), boxOf(b), eps)) return false;
  const mine = edgesOf([a]);
  const theirs = edgesOf([b]);
  return mine.some((s) => theirs.some((u) => edgesShare(s, u, eps)));
}

/**
 * The siblings a cell can merge with: same parent, no children of their own (the server
 * merges leaves only) and a shared stretch of boundary. Sorted by code.
 */
export function mergeCandidates(cells: readonly RuleCell[], code: string): RuleCell[] {
  const cell = cells.find((c) => c.properties.code === code);
  if (!cell?.properties.parent_code) return [];
  const parents = new Set(cells.map((c) => c.properties.parent_code));
  return cells
    .filter(
      (c) =>
        c.properties.code !== code &&
        c.properties.parent_code === cell.properties.parent_code &&
        !parents.has(c.properties.code) &&
        sharesBoundary(cell.geometry, c.geometry),
    )
    .sort((a, b) => a.properties.code.localeCompare(b.properties.code));
}

/**
 * The drawn split line with both ends pushed `by` degrees further along their last segment.
 * An end snapped onto the boundary lies exactly on it, and in floating point that often does
 * not count as crossing it, so the server would answer "the line does not split the cell".
 */
export function extendLine(coordinates: readonly LngLat[], by = 1e-6): [number, number][] {
  const points = coordinates.map(([x, y]): [number, number] => [x, y]);
  if (points.length < 2) return points;
  const push = (end: [number, number], from: [number, number]): [number, number] => {
    const dx = end[0] - from[0];
    const dy = end[1] - from[1];
    const length = Math.hypot(dx, dy);
    return length === 0 ? end : [end[0] + (dx / length) * by, end[1] + (dy / length) * by];
  };
  const last = points.length - 1;
  return points.map((p, i) => {
    if (i === 0) return push(p, points[1] as [number, number]);
    if (i === last) return push(p, points[last - 1] as [number, number]);
    return p;
  });
}

/**
 * Where a cell may move: any other cell at its parent's level (the server keeps levels:
 * a grid moves to another community). Sorted by code.
 */
export function moveTargets(cells: readonly TreeCell[], code: string): TreeCell[] {
  const cell = cells.find((c) => c.code === code);
  const parent = cells.find((c) => c.code === cell?.parent_code);
  if (!cell || !parent) return [];
  return cells
    .filter((c) => c.level === parent.level && c.code !== parent.code)
    .sort((a, b) => a.code.localeCompare(b.code));
}
