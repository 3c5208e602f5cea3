import type { FleetPage } from "../../api/technician-api.js";

export interface StatusChange {
  cameraId: string;
  status: string;
  previousStatus: string | null;
  since: string;
  reason: string | null;
}

/**
 * The board after one live status change: the camera's row takes the new state, and the counts
 * per state move one camera across, so the numbers stay right without reloading the page.
 * A camera not on this page still moves the counts (it is in the filtered fleet) only when the
 * board knows its previous state.
 */
export function applyStatusChange(page: FleetPage, change: StatusChange): FleetPage {
  const row = page.cameras.find((camera) => camera.id === change.cameraId);
  const before = row?.state ?? change.previousStatus;
  if (before === change.status) {
    return row
      ? { ...page, cameras: page.cameras.map((c) => (c === row ? { ...c, since: change.since } : c)) }
      : page;
  }
  const counts = { ...page.counts };
  if (before !== null && before !== undefined && (counts[before] ?? 0) > 0) {
    counts[before] = (counts[before] ?? 0) - 1;
    counts[change.status] = (counts[change.status] ?? 0) + 1;
  }
  const cameras = page.cameras.map((camera) =>
    camera.id === change.cameraId
      ? {
          ...camera,
          state: change.status,
          since: change.since,
          reasons: change.reason ? [change.reason] : [],
        }
      : camera,
  );
  return { ...page, cameras, counts };
}
