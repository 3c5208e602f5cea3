import { describe, expect, it } from "vitest";
import type { FleetCamera, FleetPage } from "../../api/technician-api.js";
import { applyStatusChange } from "./fleet-live.js";

const camera = (id: string, state: string): FleetCamera => ({
  id,
  name: `Camera ${id}`,
  vendor: "hikvision",
  model: null,
  firmware: null,
  cell_code: "330199001001001",
  state,
  since: "2026-03-01T00:00:00Z",
  reasons: [],
  last_check_at: null,
  silenced: false,
  open_ticket_id: null,
});

const page = (): FleetPage => ({
  cameras: [camera("a", "online"), camera("b", "offline")],
  counts: { online: 5, offline: 2, degraded: 0 },
  total: 7,
  limit: 100,
  offset: 0,
});

describe("applyStatusChange", () => {
  it("moves a listed camera to the new state and one count across", () => {
    const next = applyStatusChange(page(), {
      cameraId: "a",
      status: "offline",
      previousStatus: "online",
      since: "2026-03-02T08:00:00Z",
      reason: "unreachable",
    });
    expect(next.cameras[0]).toMatchObject({
      state: "offline",
      since: "2026-03-02T08:00:00Z",
      reasons: ["unreachable"],
    });
    expect(next.counts).toEqual({ online: 4, offline: 3, degraded: 0 });
  });

  it("trusts the row's state over the event's previousStatus", () => {
    const next = applyStatusChange(page(), {
      cameraId: "b",
      status: "online",
      previousStatus: "degraded",
      since: "2026-03-02T08:00:00Z",
      reason: null,
    });
    expect(next.counts).toEqual({ online: 6, offline: 1, degraded: 0 });
    expect(next.cameras[1]?.reasons).toEqual([]);
  });

  it("moves the counts for a camera on another page using previousStatus", () => {
    const next = applyStatusChange(page(), {
      cameraId: "zzz",
      status: "degraded",
      previousStatus: "online",
      since: "2026-03-02T08:00:00Z",
      reason: "low_fps",
    });
    expect(next.counts).toEqual({ online: 4, offline: 2, degraded: 1 });
    expect(next.cameras).toEqual(page().cameras);
  });

  it("leaves counts alone when the previous state is unknown or the state did not change", () => {
    const unknown = applyStatusChange(page(), {
      cameraId: "zzz",
      status: "offline",
      previousStatus: null,
      since: "2026-03-02T08:00:00Z",
      reason: null,
    });
    expect(unknown.counts).toEqual(page().counts);
    const same = applyStatusChange(page(), {
      cameraId: "a",
      status: "online",
      previousStatus: "online",
      since: "2026-03-02T09:00:00Z",
      reason: null,
    });
    expect(same.counts).toEqual(page().counts);
    expect(same.cameras[0]?.since).toBe("2026-03-02T09:00:00Z");
  });
});
