import { type IncidentItem, isOpen } from "./incident-item.js";

export interface CellCount {
  open: number;
  overdue: number;
}

/**
 * Open and overdue incidents per cell, kept up to date change by change. `apply` returns the
 * cells whose counts moved, so the map sets feature-state on those cells only.
 */
export class CellCounts {
  readonly #counts = new Map<string, CellCount>();

  get(cellCode: string): CellCount {
    return this.#counts.get(cellCode) ?? { open: 0, overdue: 0 };
  }

  /** Applies one incident's before/after; returns the cell codes whose counts changed. */
  apply(before: IncidentItem | undefined, after: IncidentItem | undefined): string[] {
    const touched = new Set<string>();
    if (before) this.#add(before, -1, touched);
    if (after) this.#add(after, +1, touched);
    return [...touched];
  }

  clear(): string[] {
    const codes = [...this.#counts.keys()];
    this.#counts.clear();
    return codes;
  }

  #add(item: IncidentItem, sign: 1 | -1, touched: Set<string>): void {
    if (!isOpen(item)) return;
    const count = this.get(item.cellCode);
    const next = { open: count.open + sign, overdue: count.overdue + (item.overdue ? sign : 0) };
    if (next.open === 0 && next.overdue === 0) this.#counts.delete(item.cellCode);
    else this.#counts.set(item.cellCode, next);
    touched.add(item.cellCode);
  }
}
