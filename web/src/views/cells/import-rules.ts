import type { CellImport, ImportProgress } from "./cell-admin-schemas.js";

/** What the import panel does next with an import's state. */
export type ImportStep = "poll" | "review" | "rejected" | "failed" | "applied";

export function importStep(status: CellImport["status"]): ImportStep {
  switch (status) {
    case "parsing":
    case "checking":
      return "poll";
    case "ready":
      return "review";
    case "rejected":
      return "rejected";
    case "applied":
      return "applied";
    default:
      // "failed", and any state this build does not know: stop polling and say so.
      return "failed";
  }
}

/** Whole percent done, or null while the total is unknown (a Shapefile is read without a count). */
export function progressPercent(progress: ImportProgress | null): number | null {
  if (!progress || progress.total === null || progress.total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((progress.done / progress.total) * 100)));
}

/** Polling slows down the longer an import runs: quick files answer fast, big ones don't hammer. */
export function pollDelayMs(attempt: number): number {
  return Math.min(2000, 250 + attempt * 150);
}

/** The codes to list in a report, cut to `max` with the number left out. */
export function shortList(codes: readonly string[], max = 12): { shown: string[]; more: number } {
  return { shown: codes.slice(0, max), more: Math.max(0, codes.length - max) };
}
