import type { IncidentState } from "../api/incident-schemas.js";
import { type IncidentItem, isOpen } from "./incident-item.js";

export type StatusFilter = "open" | "overdue" | "all" | IncidentState;
export type TimeFilter = "1h" | "24h" | "7d" | "all";

export interface IncidentFilterState {
  /** Top-level category code, or "" for every category. */
  category: string;
  status: StatusFilter;
  time: TimeFilter;
}

export const DEFAULT_FILTER: IncidentFilterState = { category: "", status: "open", time: "all" };

const WINDOW_MS: Record<TimeFilter, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  all: Number.POSITIVE_INFINITY,
};

/** "traffic.congestion" belongs to "traffic"; the filter offers top-level categories. */
export function inCategory(category: string, filter: string): boolean {
  return filter === "" || category === filter || category.startsWith(`${filter}.`);
}

export function matchesStatus(item: IncidentItem, status: StatusFilter): boolean {
  if (status === "all") return true;
  if (status === "open") return isOpen(item);
  if (status === "overdue") return isOpen(item) && item.overdue;
  return item.state === status;
}

/** Whether the item was touched within the time window ending at `now`. */
export function inTimeWindow(item: IncidentItem, time: TimeFilter, now: number): boolean {
  if (time === "all") return true;
  return now - Date.parse(item.updatedAt) <= WINDOW_MS[time];
}

export function matchesFilter(item: IncidentItem, filter: IncidentFilterState, now: number): boolean {
  return (
    inCategory(item.category, filter.category) &&
    matchesStatus(item, filter.status) &&
    inTimeWindow(item, filter.time, now)
  );
}

/**
 * The incident as it stood at `at` (replay): reported by then and not yet closed. Only the
 * current time limit is known, so "overdue" at `at` means its current stage was overdue by then.
 */
export function itemAt(item: IncidentItem, at: number): IncidentItem | null {
  const reported = Date.parse(item.reportedAt ?? item.updatedAt);
  if (reported > at) return null;
  if (item.closedAt !== null && Date.parse(item.closedAt) <= at) return null;
  const overdue = item.overdueAt !== null && Date.parse(item.overdueAt) <= at;
  // The state it had then is not kept in the list (it is in each timeline); the map colours
  // by priority and overdue, which is what a replay is for.
  return { ...item, overdue };
}
