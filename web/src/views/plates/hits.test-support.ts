// A hotlist hit as the API returns it, for the plates view's unit tests.
import type { Hit } from "../../api/plates-api.js";

/** A pending hit with the given id (plate 浙A0000<id>), changed by `overrides`. */
export const testHit = (id: number, overrides: Partial<Hit> = {}): Hit => ({
  id,
  readId: id,
  readCapturedAt: "2026-03-01T08:00:00Z",
  entryId: 1,
  hotlistId: 1,
  plate: `浙A0000${id}`,
  listedPlate: `浙A0000${id}`,
  matchLevel: "exact",
  reasonCode: "stolen_vehicle",
  priority: "high",
  caseReference: "C-1",
  cameraId: "CAM-1",
  checkpointId: "CP-1",
  cellCode: "330199001001001",
  incidentId: null,
  status: "pending",
  reviewedBy: null,
  reviewedAt: null,
  reviewNote: null,
  createdAt: "2026-03-01T08:00:01Z",
  ...overrides,
});
