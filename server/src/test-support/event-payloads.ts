import type { CellChangedPayload, HotlistHitPayload, IncidentCreatedPayload } from "../realtime/events.js";

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

/** A hotlist.hit payload for tests of the stream (a new hit on no camera). */
export const hotlistHitPayload = (hitId: number, cellCode: string, plate = "京A12345"): HotlistHitPayload => {
  const now = new Date().toISOString();
  return {
    hitId,
    hotlistId: 1,
    plate,
    plateColor: "blue",
    cameraId: null,
    checkpointId: null,
    cellCode,
    reasonCode: "stolen_vehicle",
    readAt: now,
    location: null,
    hit: {
      id: hitId,
      readId: hitId,
      readCapturedAt: now,
      entryId: 1,
      hotlistId: 1,
      plate,
      listedPlate: plate,
      matchLevel: "exact",
      reasonCode: "stolen_vehicle",
      priority: "normal",
      caseReference: "TEST",
      cameraId: null,
      checkpointId: null,
      cellCode,
      incidentId: null,
      status: "pending",
      reviewedBy: null,
      reviewedAt: null,
      reviewNote: null,
      createdAt: now,
    },
  };
};
