import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../db/pool.js";
import { ManualClock } from "../../jobs/clock.js";
import type { IncidentCreatedPayload, IncidentUpdatedPayload, RealtimeEvent } from "../../realtime/events.js";
import { connectClient, loginCookie, type RecordingClient } from "../../realtime/realtime-client.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { sendReportNotices } from "../reports/reports.service.js";
import { type DemoPlaces, demoPlaces } from "./test-fixtures.js";

let server: TestServer;
let places: DemoPlaces;
const sockets: Record<string, RecordingClient> = {};

beforeAll(async () => {
  server = await startTestServer();
  places = await demoPlaces(server.db.pool);
  for (const name of ["leader1", "leader2", "leader3", "commander"]) {
    sockets[name] = await connectClient(server.url, {
      cookie: await loginCookie(server.url, name, server.demoPassword),
    });
  }
});
afterAll(async () => {
  for (const s of Object.values(sockets)) s.close();
  await server?.close();
});

const ofTopic = (name: string, topic: string) =>
  sockets[name]!.events.filter((e: RealtimeEvent) => e.topic === topic);

describe("incident and report events reach the right people over Socket.IO", () => {
  it("streams an incident's creation and transitions to its grid leader and the command centre, not to other grids", async () => {
    const leader1 = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
    const g = places.grids[0]!;
    const created = await leader1.post("/api/v1/incidents", {
      category: "traffic",
      description: "堵车 Jam",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(created.status).toBe(201);
    const id = created.body.incident.id as number;
    await operator.post(`/api/v1/incidents/${id}/transitions`, {
      action: "register",
      version: created.body.incident.version,
    });

    const updatesFor = (name: string) =>
      ofTopic(name, "incident.updated").filter(
        (e) => (e.payload as IncidentUpdatedPayload).incident.id === id,
      );
    await expect.poll(() => updatesFor("leader1").length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => updatesFor("commander").length, { timeout: 5000 }).toBe(1);
    const createdEvent = ofTopic("leader1", "incident.created").find(
      (e) => (e.payload as IncidentCreatedPayload).incident.id === id,
    )!;
    const summary = (createdEvent.payload as IncidentCreatedPayload).incident;
    expect(summary).toMatchObject({
      id,
      cellCode: g.code,
      category: "traffic",
      state: "reported",
      overdue: false,
      overdueAt: null,
      closedAt: null,
      version: created.body.incident.version,
      title: "堵车 Jam",
    });
    expect(Date.parse(summary.reportedAt)).toBe(Date.parse(created.body.incident.reportedAt));
    expect(new Date(summary.dueAt!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const update = updatesFor("commander")[0]!.payload as IncidentUpdatedPayload;
    expect(update.incident.version).toBe(created.body.incident.version + 1);
    expect(update).toMatchObject({
      action: "register",
      fromState: "reported",
      toState: "registered",
      actor: "operator",
    });
    expect(
      ofTopic("leader2", "incident.created").some(
        (e) => (e.payload as IncidentCreatedPayload).incident.id === id,
      ),
    ).toBe(false);
  });

  it("sends the daily report reminder to the grid's leader only, and missing notices to the command centre", async () => {
    const day = "2026-03-11";
    const clock = new ManualClock(`${day}T16:10:00+08:00`);
    await withTransaction(server.db.pool, (db) => sendReportNotices(db, clock));
    const grid3 = places.grids[2]!.code;
    await expect.poll(() => ofTopic("leader3", "report.reminder").length, { timeout: 5000 }).toBe(1);
    expect(ofTopic("leader3", "report.reminder")[0]!.cellCode).toBe(grid3);
    // Commanders do not file reports, so reminders are not theirs; leader1 gets only its own grid's.
    expect(ofTopic("leader1", "report.reminder").map((e) => e.cellCode)).toEqual([places.grids[0]!.code]);

    clock.set(`${day}T17:05:00+08:00`);
    await withTransaction(server.db.pool, (db) => sendReportNotices(db, clock));
    const grids = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM cells WHERE level = 'grid' AND retired_at IS NULL",
    );
    await expect
      .poll(() => ofTopic("commander", "report.missing").length, { timeout: 5000 })
      .toBe(grids.rows[0].n);
    expect(ofTopic("commander", "report.reminder")).toEqual([]);
    expect(ofTopic("leader3", "report.missing").map((e) => e.cellCode)).toEqual([grid3]);
    const { rows: named } = await server.db.pool.query("SELECT name, name_en FROM cells WHERE code = $1", [
      grid3,
    ]);
    expect(ofTopic("leader3", "report.missing")[0]!.payload).toMatchObject({
      cellCode: grid3,
      cellName: named[0].name,
      cellNameEn: named[0].name_en,
      reportDate: day,
    });
    expect(ofTopic("leader3", "report.reminder")[0]!.payload).toMatchObject({ cellName: named[0].name });
  });
});
