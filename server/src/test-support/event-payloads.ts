import type { CellChangedPayload, IncidentCreatedPayload } from "../realtime/events.js";

/** An incident.created payload for tests that exercise the stream, not the incidents feature. */
export const incidentPayload = (id: number, cellCode: string): IncidentCreatedPayload => {
  const now = new Date().toISOString();
  return {
    incident: {
      id,
      reference: null,
      cellCode,
      category: "road_damage",
      priority: "normal",
      state: "reported",
      title: `incident ${id}`,
      location: null,
      dueAt: null,
      overdue: false,
      overdueAt: null,
      reportedAt: now,
      closedAt: null,
      version: 1,
      updatedAt: now,
    },
  };
};

/** A cell.changed payload (an edit that replaced nothing). */
export const cellChangedPayload = (
  cellCode: string,
  version: number,
  change: CellChangedPayload["change"] = "updated",
): CellChangedPayload => ({ cellCode, change, version, successors: [] });
