import type { CellDraft } from "./cells.js";
import type { Local } from "./projection.js";

/** Finds the one grid that holds a point well inside it. */
export class GridLocator {
  constructor(private readonly grids: readonly CellDraft[]) {}

  /**
   * The grid containing `p` at least `clearance` metres from its edge, or null when the
   * point is outside the district, too close to an edge, or (which would mean broken
   * geometry) inside more than one grid.
   */
  locate(p: Local, clearance: number): CellDraft | null {
    const holders = this.grids.filter((grid) => grid.shape.contains(p));
    if (holders.length !== 1) return null;
    const grid = holders[0]!;
    return grid.shape.distanceToBoundary(p) >= clearance ? grid : null;
  }
}
