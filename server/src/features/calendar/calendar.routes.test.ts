import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;
let operator: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
});
afterAll(async () => {
  await server?.close();
});

const q = (s: string) => encodeURIComponent(s);

describe("calendar API", () => {
  it("serves the seeded mainland calendar with the 2026 holidays and make-up days", async () => {
    const res = await operator.get("/api/v1/calendars/cn-mainland");
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe("Asia/Shanghai");
    expect(res.body.isDefault).toBe(true);
    expect(res.body.periods.filter((p: { isoWeekday: number }) => p.isoWeekday === 1)).toEqual([
      { isoWeekday: 1, startsAt: "09:00", endsAt: "12:00" },
      { isoWeekday: 1, startsAt: "13:00", endsAt: "18:00" },
    ]);
    const holidays = res.body.days.filter((d: { kind: string }) => d.kind === "holiday");
    const workdays = res.body.days
      .filter((d: { kind: string }) => d.kind === "workday")
      .map((d: { day: string }) => d.day);
    expect(holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(workdays).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10",
    ]);
  });

  it("answers working-time questions on the stored calendar", async () => {
    const added = await operator.get(
      `/api/v1/calendars/cn-mainland/working-time?from=${q("2026-04-03T17:00:00+08:00")}&add=120`,
    );
    expect(added.body.at).toBe(new Date("2026-04-07T10:00:00+08:00").toISOString());
    const between = await operator.get(
      `/api/v1/calendars/cn-mainland/working-time?from=${q("2026-10-09T09:00:00+08:00")}&to=${q("2026-10-12T09:00:00+08:00")}`,
    );
    expect(between.body.minutes).toBe(960);
    expect(
      (
        await operator.get(
          `/api/v1/calendars/cn-mainland/working-time?from=${q("2026-10-09T09:00:00+08:00")}`,
        )
      ).status,
    ).toBe(400);
  });

  it("lets an admin add a local holiday (audited), which moves working-time answers; others may not", async () => {
    const body = {
      days: [{ day: "2026-03-09", kind: "holiday", name: "地方假日", nameEn: "Local holiday" }],
    };
    expect((await operator.request("PUT", "/api/v1/calendars/cn-mainland/days", body)).status).toBe(403);
    const put = await admin.request("PUT", "/api/v1/calendars/cn-mainland/days", body);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const added = await operator.get(
      `/api/v1/calendars/cn-mainland/working-time?from=${q("2026-03-06T17:00:00+08:00")}&add=120`,
    );
    expect(added.body.at).toBe(new Date("2026-03-10T10:00:00+08:00").toISOString());
    const del = await admin.delete("/api/v1/calendars/cn-mainland/days/2026-03-09");
    expect(del.status).toBe(200);
    const audit = await server.db.pool.query(
      "SELECT action FROM audit_log WHERE target_type = 'calendar' ORDER BY id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["calendar.days_save", "calendar.day_delete"]);
  });

  it("refuses overlapping or reversed working periods", async () => {
    const overlap = await admin.request("PUT", "/api/v1/calendars/cn-mainland/periods", {
      periods: [
        { isoWeekday: 1, startsAt: "09:00", endsAt: "12:00" },
        { isoWeekday: 1, startsAt: "11:00", endsAt: "13:00" },
      ],
    });
    expect(overlap.status).toBe(400);
    const reversed = await admin.request("PUT", "/api/v1/calendars/cn-mainland/periods", {
      periods: [{ isoWeekday: 2, startsAt: "18:00", endsAt: "09:00" }],
    });
    expect(reversed.status).toBe(400);
    expect((await operator.get("/api/v1/calendars/nope")).status).toBe(404);
  });
});
