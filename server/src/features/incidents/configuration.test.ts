import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { type DemoPlaces, demoPlaces } from "./test-fixtures.js";

let server: TestServer;
let places: DemoPlaces;
let admin: TestClient;
let operator: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  places = await demoPlaces(server.db.pool);
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
});
afterAll(async () => {
  await server?.close();
});

describe("configurable categories and time limits", () => {
  it("serves the seeded category tree with Chinese and English names", async () => {
    const res = await operator.get("/api/v1/incident-categories");
    const top = res.body.categories
      .filter((c: { parentCode: string | null }) => c.parentCode === null)
      .map((c: { code: string }) => c.code);
    expect(top).toEqual([
      "camera_fault",
      "hotlist_hit",
      "public_order",
      "traffic",
      "fire_risk",
      "infrastructure_damage",
      "environment",
      "other",
    ]);
    expect(res.body.categories.find((c: { code: string }) => c.code === "fire_risk")).toMatchObject({
      name: "消防隐患",
      nameEn: "Fire risk",
    });
  });

  it("lets an admin add and retire a category (audited); operators may not", async () => {
    const body = {
      code: "traffic.noise",
      parentCode: "traffic",
      name: "交通噪声",
      nameEn: "Traffic noise",
      sortOrder: 43,
    };
    expect((await operator.post("/api/v1/incident-categories", body)).status).toBe(403);
    expect((await admin.post("/api/v1/incident-categories", body)).status).toBe(200);
    const g = places.grids[0]!;
    const report = () =>
      operator.post("/api/v1/incidents", {
        category: "traffic.noise",
        description: "鸣笛 Honking",
        location: { lon: g.lon, lat: g.lat },
      });
    expect((await report()).status).toBe(201);
    expect((await admin.post("/api/v1/incident-categories", { ...body, active: false })).status).toBe(200);
    const refused = await report();
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("unknown_category");
    const orphan = await admin.post("/api/v1/incident-categories", {
      ...body,
      code: "x.y",
      parentCode: "nope",
    });
    expect(orphan.body.error.code).toBe("unknown_parent_category");
    const cycle = await admin.post("/api/v1/incident-categories", {
      ...body,
      code: "traffic",
      parentCode: "traffic.noise",
    });
    expect(cycle.body.error.code).toBe("category_cycle");
    const audit = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'incident_category.save'",
    );
    expect(audit.rows[0].n).toBe(2);
  });

  it("applies a changed time limit to stages started afterwards, most specific row first", async () => {
    const set = await admin.request("PUT", "/api/v1/incident-time-limits", {
      limits: [{ category: "environment", priority: "high", stage: "register", limitMinutes: 17 }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const g = places.grids[0]!;
    const specific = await operator.post("/api/v1/incidents", {
      category: "environment",
      priority: "high",
      description: "x",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(specific.body.incident.deadline.limitMinutes).toBe(17);
    const general = await operator.post("/api/v1/incidents", {
      category: "environment",
      priority: "low",
      description: "x",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(general.body.incident.deadline.limitMinutes).toBe(240);
    const listed = await operator.get("/api/v1/incident-time-limits");
    expect(listed.body.limits).toContainEqual({
      category: "environment",
      priority: "high",
      stage: "register",
      limitMinutes: 17,
    });
    const bad = await admin.request("PUT", "/api/v1/incident-time-limits", {
      limits: [{ category: null, priority: null, stage: "lunch", limitMinutes: 5 }],
    });
    expect(bad.status).toBe(400);
  });
});
