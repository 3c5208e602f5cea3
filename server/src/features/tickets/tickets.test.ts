import { type OnvifSimulator, startOnvifSimulator } from "@gridops/camera-adapters/sim/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let ts: TestServer;
let sim: OnvifSimulator;
let tech: TestClient;
let commander: TestClient;
let techId: number;

beforeAll(async () => {
  sim = await startOnvifSimulator({ count: 3, seed: 11, discoveryPort: 0 });
  ts = await startTestServer({ env: { GRIDOPS_DISCOVERY_TARGETS: `127.0.0.1:${sim.discoveryPort}` } });
  tech = await TestClient.loggedIn(ts.url, "tech1", ts.demoPassword);
  commander = await TestClient.loggedIn(ts.url, "commander", ts.demoPassword);
  techId = (await ts.db.pool.query<{ id: number }>("SELECT id FROM users WHERE username = 'tech1'")).rows[0]!
    .id;
  const { rows } = await ts.db.pool.query<{ lon: number; lat: number }>(
    "SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1",
  );
  const cam = sim.cameras[0]!;
  const created = await tech.post("/api/v1/cameras", {
    id: "ONB-1",
    name: "Onboarding test",
    vendor: "other",
    onvif_address: cam.deviceServiceUrl,
    credentials: { username: cam.username, password: cam.password },
    location: rows[0]!,
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await ts?.close();
  await sim?.close();
});

describe("ONVIF onboarding and discovery", () => {
  it("fills the inventory from the device and stores the clock offset", async () => {
    const res = await tech.post("/api/v1/cameras/ONB-1/onboard", {});
    expect(res.status).toBe(200);
    const cam = res.body.camera;
    expect(cam.vendor).toBe(sim.cameras[0]!.vendor);
    expect(cam.model).toBeTruthy();
    expect(cam.firmware).toBeTruthy();
    expect(cam.serial_number).toBeTruthy();
    expect(cam.mac_address).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(cam.rtsp_profiles.length).toBeGreaterThan(0);
    expect(cam.rtsp_profiles[0].url).toMatch(/^rtsp:\/\//);
    expect(typeof cam.clock_offset_ms).toBe("number");
    expect(cam.onboarded_at).toBeTruthy();
    expect(res.text).not.toContain(sim.cameras[0]!.password);
    const events = await tech.get("/api/v1/cameras/ONB-1/events");
    expect(events.body.events[0].kind).toBe("onboarded");
  });

  it("answers 422 onvif_auth_failed for wrong credentials", async () => {
    const res = await tech.post("/api/v1/cameras/ONB-1/onboard", {
      credentials: { username: sim.cameras[0]!.username, password: "wrong" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("onvif_auth_failed");
  });

  it("refuses onboarding a second camera that is the same device (duplicate serial/MAC/address)", async () => {
    const point = (await tech.get("/api/v1/cameras/ONB-1")).body.location;
    await tech.post("/api/v1/cameras", {
      id: "ONB-2",
      name: "Same device",
      vendor: "other",
      location: point,
    });
    const res = await tech.post("/api/v1/cameras/ONB-2/onboard", {
      onvif_address: sim.cameras[0]!.deviceServiceUrl,
      credentials: { username: sim.cameras[0]!.username, password: sim.cameras[0]!.password },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("duplicate_camera");
    expect(res.body.error.details.existing_camera.id).toBe("ONB-1");
  });

  it("lists discovered devices that are not registered", async () => {
    const res = await tech.get("/api/v1/cameras/discovery?timeout_ms=800&multicast=false");
    expect(res.status).toBe(200);
    expect(res.body.registered).toBe(1);
    expect(res.body.devices).toHaveLength(2);
    expect(res.body.devices.flatMap((d: { xaddrs: string[] }) => d.xaddrs)).not.toContain(
      sim.cameras[0]!.deviceServiceUrl,
    );
  });
});

describe("repair tickets", () => {
  it("moves open → assigned → on_site → fixed → verified with history", async () => {
    const created = await tech.post("/api/v1/tickets", {
      camera_id: "ONB-1",
      title: "Lens fogged",
      description: "Image blurred since the rain",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: "open",
      source: "manual",
      allowed_transitions: ["assigned"],
    });
    const id = created.body.id;
    const skip = await tech.post(`/api/v1/tickets/${id}/transition`, { to: "fixed" });
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe("invalid_transition");
    const noAssignee = await tech.post(`/api/v1/tickets/${id}/transition`, { to: "assigned" });
    expect(noAssignee.body.error.code).toBe("assignee_required");
    const commanderId = (
      await ts.db.pool.query<{ id: number }>("SELECT id FROM users WHERE username = 'commander'")
    ).rows[0]!.id;
    const wrongAssignee = await tech.post(`/api/v1/tickets/${id}/transition`, {
      to: "assigned",
      assignee_user_id: commanderId,
    });
    expect(wrongAssignee.body.error.code).toBe("invalid_assignee");
    for (const step of [
      { to: "assigned", assignee_user_id: techId },
      { to: "on_site" },
      { to: "fixed", note: "cleaned and resealed" },
      { to: "verified" },
    ]) {
      const res = await tech.post(`/api/v1/tickets/${id}/transition`, step);
      expect(res.status, step.to).toBe(200);
      expect(res.body.state).toBe(step.to);
    }
    const detail = await tech.get(`/api/v1/tickets/${id}`);
    expect(detail.body.history.map((h: { to_state: string }) => h.to_state)).toEqual([
      "open",
      "assigned",
      "on_site",
      "fixed",
      "verified",
    ]);
    expect(detail.body.history[3].note).toBe("cleaned and resealed");
    expect(detail.body.assignee).toBe("tech1");
  });

  it("lets the commander read tickets but not change them", async () => {
    expect((await commander.get("/api/v1/tickets?state=verified")).body.tickets.length).toBe(1);
    expect((await commander.post("/api/v1/tickets", { camera_id: "ONB-1", title: "x" })).status).toBe(403);
  });
});

describe("ticket assignees", () => {
  it("lists the technicians who may take a ticket, and lets one technician assign another", async () => {
    const admin = await TestClient.loggedIn(ts.url, "admin", ts.demoPassword);
    const { rows } = await ts.db.pool.query<{ cell_code: string; other: string }>(
      `SELECT c.cell_code, (SELECT code FROM cells WHERE level = 'grid' AND code <> c.cell_code ORDER BY code LIMIT 1) AS other
         FROM cameras c WHERE c.id = 'ONB-1'`,
    );
    const { cell_code: cell, other } = rows[0]!;
    const make = async (username: string, cellCodes: string[], roles = ["technician"]) => {
      const res = await admin.post("/api/v1/users", {
        username,
        displayName: username,
        password: "a long enough password 1",
        roles,
        cellCodes,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as number;
    };
    const local = await make("tech_local", [cell]);
    await make("tech_elsewhere", [other]);
    const gone = await make("tech_gone", [cell]);
    expect((await admin.patch(`/api/v1/users/${gone}`, { disabled: true })).status).toBe(200);
    await make("leader_here", [cell], ["grid_leader"]);

    const ticket = await tech.post("/api/v1/tickets", { camera_id: "ONB-1", title: "Dome cracked" });
    expect(ticket.status).toBe(201);
    const list = await tech.get(`/api/v1/tickets/${ticket.body.id}/assignees`);
    expect(list.status).toBe(200);
    const names = list.body.assignees.map((a: { username: string }) => a.username);
    expect(names).toEqual(expect.arrayContaining(["tech1", "tech_local", "admin"]));
    expect(names).not.toContain("tech_elsewhere");
    expect(names).not.toContain("tech_gone");
    expect(names).not.toContain("leader_here");

    const assigned = await tech.post(`/api/v1/tickets/${ticket.body.id}/transition`, {
      to: "assigned",
      assignee_user_id: local,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe("tech_local");

    expect((await tech.get("/api/v1/tickets/999999/assignees")).status).toBe(404);
    expect((await commander.get(`/api/v1/tickets/${ticket.body.id}/assignees`)).status).toBe(403);
    const outsider = await TestClient.loggedIn(ts.url, "tech_elsewhere", "a long enough password 1");
    expect((await outsider.get(`/api/v1/tickets/${ticket.body.id}/assignees`)).status).toBe(403);
  });
});
