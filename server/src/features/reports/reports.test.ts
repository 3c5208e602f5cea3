import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../db/pool.js";
import { ManualClock } from "../../jobs/clock.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { systemActor } from "../incidents/incidents.service.js";
import { type DemoPlaces, demoPlaces, loginAll } from "../incidents/test-fixtures.js";
import { fileDailyReport, sendReportNotices } from "./reports.service.js";

let server: TestServer;
let places: DemoPlaces;
let as: Record<"commander" | "leader1" | "leader2" | "leader3" | "viewer" | "admin", TestClient>;

beforeAll(async () => {
  server = await startTestServer();
  places = await demoPlaces(server.db.pool);
  as = await loginAll((n) => TestClient.loggedIn(server.url, n, server.demoPassword), [
    "commander",
    "leader1",
    "leader2",
    "leader3",
    "viewer",
    "admin",
  ] as const);
});
afterAll(async () => {
  await server?.close();
});

const grid = (i: number) => places.grids[i]!;

describe("daily reports over HTTP", () => {
  it("files a zero report and a report with items (one opening an incident), once per grid and day", async () => {
    const zero = await as.leader1.post("/api/v1/reports/daily", {
      cellCode: grid(0).code,
      nothingToReport: true,
    });
    expect(zero.status, JSON.stringify(zero.body)).toBe(201);
    expect(zero.body.nothingToReport).toBe(true);
    expect(zero.body.items).toEqual([]);

    const again = await as.leader1.post("/api/v1/reports/daily", {
      cellCode: grid(0).code,
      nothingToReport: true,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("report_exists");

    const items = await as.leader2.post("/api/v1/reports/daily", {
      cellCode: grid(1).code,
      nothingToReport: false,
      items: [
        {
          description: "路灯不亮 Streetlight out",
          category: "infrastructure_damage.streetlight",
          location: { lon: grid(1).lon, lat: grid(1).lat },
          createIncident: true,
        },
        { description: "巡查正常 Patrol normal" },
      ],
    });
    expect(items.status, JSON.stringify(items.body)).toBe(201);
    expect(items.body.items).toHaveLength(2);
    const incidentId = items.body.items[0].incidentId;
    expect(incidentId).toEqual(expect.any(Number));
    expect(items.body.items[1].incidentId).toBeNull();
    const incident = await as.leader2.get(`/api/v1/incidents/${incidentId}`);
    expect(incident.body.source).toBe("grid_worker_report");
    expect(incident.body.cellCode).toBe(grid(1).code);

    const events = await server.db.pool.query(
      "SELECT cell_code, payload FROM outbox WHERE topic = 'report.filed' ORDER BY id",
    );
    expect(events.rows.map((e) => [e.cell_code, e.payload.zeroReport])).toEqual([
      [grid(0).code, true],
      [grid(1).code, false],
    ]);
  });

  it("refuses bad reports: another leader's grid, a non-grid cell, items on a zero report, a future date", async () => {
    const foreign = await as.leader1.post("/api/v1/reports/daily", {
      cellCode: grid(2).code,
      nothingToReport: true,
    });
    expect(foreign.status).toBe(403);
    const street = await as.admin.post("/api/v1/reports/daily", {
      cellCode: grid(0).parent,
      nothingToReport: true,
    });
    expect(street.status).toBe(400);
    expect(street.body.error.code).toBe("not_a_grid");
    const mixed = await as.leader3.post("/api/v1/reports/daily", {
      cellCode: grid(2).code,
      nothingToReport: true,
      items: [{ description: "x" }],
    });
    expect(mixed.status).toBe(400);
    const empty = await as.leader3.post("/api/v1/reports/daily", {
      cellCode: grid(2).code,
      nothingToReport: false,
    });
    expect(empty.status).toBe(400);
    const future = await as.leader3.post("/api/v1/reports/daily", {
      cellCode: grid(2).code,
      nothingToReport: true,
      date: "2999-01-01",
    });
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe("date_in_future");
    const viewer = await as.viewer.post("/api/v1/reports/daily", {
      cellCode: grid(2).code,
      nothingToReport: true,
    });
    expect(viewer.status).toBe(403);
  });

  it("lists the grids that have not reported, for the command centre and per leader", async () => {
    const all = await as.commander.get("/api/v1/reports/missing");
    expect(all.status).toBe(200);
    const { rows } = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM cells WHERE level = 'grid' AND retired_at IS NULL",
    );
    expect(all.body.expected).toBe(rows[0].n);
    expect(all.body.filed).toBe(2);
    const codes = all.body.missing.map((m: { cellCode: string }) => m.cellCode);
    expect(codes).not.toContain(grid(0).code);
    expect(codes).not.toContain(grid(1).code);
    expect(codes).toContain(grid(2).code);
    expect(
      all.body.missing.find((m: { cellCode: string }) => m.cellCode === grid(2).code).leader.username,
    ).toBe("leader3");

    const mine = await as.leader3.get("/api/v1/reports/missing");
    expect(mine.body.missing.map((m: { cellCode: string }) => m.cellCode)).toEqual([grid(2).code]);
    const done = await as.leader1.get("/api/v1/reports/missing");
    expect(done.body.missing).toEqual([]);
    expect(done.body.filed).toBe(1);

    const bad = await as.commander.get("/api/v1/reports/missing?date=yesterday");
    expect(bad.status).toBe(400);
    const list = await as.commander.get(`/api/v1/reports/daily?date=${all.body.date}`);
    expect(list.body.reports).toHaveLength(2);
  });
});

describe("reminders and missing notices", () => {
  it("reminds unreported grids with a leader before the deadline and announces missing grids after it, once each", async () => {
    const day = "2026-03-10";
    const at = (time: string) => new Date(`${day}T${time}+08:00`);
    const clock = new ManualClock(at("10:00:00"));
    const leader1 = {
      ...systemActor("leader1", ["reports:file"]),
      userId: places.userIds.leader1!,
      actor: "leader1",
      cellCodes: [grid(0).code],
    };
    await withTransaction(server.db.pool, (db) =>
      fileDailyReport(db, { cellCode: grid(0).code, nothingToReport: true, items: [] }, leader1, clock),
    );

    const run = (time: string) => {
      clock.set(at(time));
      return withTransaction(server.db.pool, (db) => sendReportNotices(db, clock));
    };
    expect(await run("15:59:00")).toEqual({ reminded: [], missing: [] });
    const first = await run("16:00:00");
    expect(first.reminded.sort()).toEqual([grid(1).code, grid(2).code].sort());
    expect(await run("16:30:00")).toEqual({ reminded: [], missing: [] });

    const late = await run("17:00:01");
    const { rows } = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM cells WHERE level = 'grid' AND retired_at IS NULL",
    );
    expect(late.missing).toHaveLength(rows[0].n - 1);
    expect(late.missing).not.toContain(grid(0).code);
    expect((await run("17:30:00")).missing).toEqual([]);

    const events = await server.db.pool.query(
      "SELECT topic, cell_code, payload FROM outbox WHERE topic IN ('report.reminder', 'report.missing') AND payload->>'reportDate' = $1",
      [day],
    );
    const reminders = events.rows.filter((e) => e.topic === "report.reminder");
    expect(reminders.map((e) => e.payload.leader).sort()).toEqual(["leader2", "leader3"]);
    expect(reminders[0].payload.deadline).toBe(at("17:00:00").toISOString());
    expect(events.rows.filter((e) => e.topic === "report.missing")).toHaveLength(rows[0].n - 1);

    // Filed after the deadline: accepted, marked late.
    const leader2 = {
      ...leader1,
      userId: places.userIds.leader2!,
      actor: "leader2",
      cellCodes: [grid(1).code],
    };
    const lateReport = await withTransaction(server.db.pool, (db) =>
      fileDailyReport(db, { cellCode: grid(1).code, nothingToReport: true, items: [] }, leader2, clock),
    );
    expect(lateReport.late).toBe(true);
  });
});
