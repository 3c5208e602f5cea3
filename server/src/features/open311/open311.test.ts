import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { demoPlaces } from "../incidents/test-fixtures.js";

let server: TestServer;
let admin: TestClient;
let commander: TestClient;
let districtCode: string;
let reporterKey: string;
let readerKey: string;
let grid: { code: string; lon: number; lat: number };
let otherGrid: { code: string; lon: number; lat: number };

async function token(permissions: string[], cellCodes: string[]): Promise<string> {
  const res = await admin.post("/api/v1/tokens", {
    name: `open311-${permissions.join("-")}`,
    permissions,
    cellCodes,
  });
  expect(res.status).toBe(201);
  return res.body.token;
}

const form = (fields: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

async function post(
  fields: Record<string, string | number>,
  contentType = "application/x-www-form-urlencoded",
) {
  const body = contentType === "application/json" ? JSON.stringify(fields) : form(fields);
  const res = await fetch(`${server.url}/open311/v2/requests.json`, {
    method: "POST",
    headers: { "content-type": contentType, "accept-language": "en" },
    body,
  });
  return { status: res.status, body: (await res.json()) as unknown as Record<string, unknown>[] };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  commander = await TestClient.loggedIn(server.url, "commander", server.demoPassword);
  const { rows } = await server.db.pool.query<{ code: string }>(
    "SELECT code FROM cells WHERE level = 'district'",
  );
  districtCode = rows[0]!.code;
  const places = await demoPlaces(server.db.pool);
  grid = places.grids[0]!;
  otherGrid = places.grids[1]!;
  reporterKey = await token(["incidents:report"], [districtCode]);
  readerKey = await token(["incidents:read"], [grid.code]);
});
afterAll(() => server?.close());

describe("Open311 GeoReport v2", () => {
  it("publishes discovery and the citizen-facing services from the category tree", async () => {
    const discovery = await commander.get("/open311/v2/discovery.json");
    expect(discovery.body.endpoints[0]).toMatchObject({
      specification: "http://wiki.open311.org/GeoReport_v2",
      url: `${server.url}/open311/v2`,
    });
    const services = await new TestClient(server.url).get("/open311/v2/services.json", {
      "accept-language": "en",
    });
    expect(services.status).toBe(200);
    const codes = services.body.map((s: { service_code: string }) => s.service_code);
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM incident_categories WHERE active AND code NOT LIKE 'camera_fault%' AND code NOT LIKE 'hotlist_hit%' ORDER BY code",
    );
    expect([...codes].sort()).toEqual(rows.map((r) => r.code));
    const parking = services.body.find(
      (s: { service_code: string }) => s.service_code === "traffic.illegal_parking",
    );
    expect(parking).toMatchObject({
      service_name: "Illegal parking",
      group: "Traffic",
      metadata: false,
      type: "realtime",
    });
    const zh = await new TestClient(server.url).get("/open311/v2/services.json", {
      "accept-language": "zh-CN",
    });
    expect(
      zh.body.find((s: { service_code: string }) => s.service_code === "traffic.illegal_parking")
        .service_name,
    ).toBe("违章停车");
  });

  it("round trip: a form POST becomes an open311 incident, GET shows it, and it closes when the incident is voided", async () => {
    const created = await post({
      api_key: reporterKey,
      service_code: "traffic.illegal_parking",
      lat: grid.lat,
      long: grid.lon,
      description: "Van blocking the fire lane",
      email: "citizen@example.org",
      "attribute[plate_visible]": "no",
    });
    expect(created.status).toBe(201);
    const id = created.body[0]!.service_request_id as string;
    expect(id).toMatch(/^\d+$/);
    expect(created.body[0]!.service_notice).toMatch(/Received/);
    const { rows } = await server.db.pool.query(
      "SELECT source, category_code, cell_code, description, reporter, state FROM incidents WHERE id = $1",
      [Number(id)],
    );
    expect(rows[0]).toMatchObject({
      source: "open311",
      category_code: "traffic.illegal_parking",
      cell_code: grid.code,
      description: "Van blocking the fire lane",
      state: "reported",
    });
    expect(rows[0].reporter).toMatch(/^token:\d+:open311-incidents:report$/);

    const anonymous = new TestClient(server.url);
    const one = await anonymous.get(`/open311/v2/requests/${id}.json`);
    expect(one.status).toBe(200);
    expect(one.body[0]).toMatchObject({
      service_request_id: id,
      status: "open",
      status_notes: "reported",
      service_code: "traffic.illegal_parking",
      description: null,
    });
    expect(one.body[0].lat).toBeCloseTo(grid.lat, 9);
    expect(one.body[0].long).toBeCloseTo(grid.lon, 9);
    const withKey = await anonymous.get(`/open311/v2/requests/${id}.json?api_key=${readerKey}`);
    expect(withKey.body[0].description).toBe("Van blocking the fire lane");

    const listed = await anonymous.get(
      "/open311/v2/requests.json?status=open&service_code=traffic.illegal_parking",
    );
    expect(listed.body.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);

    const reg = await commander.post(`/api/v1/incidents/${id}/transitions`, {
      action: "register",
      version: 1,
    });
    expect(reg.status).toBe(200);
    const voided = await commander.post(`/api/v1/incidents/${id}/transitions`, {
      action: "void",
      version: reg.body.version,
      note: "Duplicate of a hotline call",
    });
    expect(voided.status).toBe(200);
    const after = await anonymous.get(`/open311/v2/requests/${id}.json`);
    expect(after.body[0]).toMatchObject({ status: "closed", status_notes: "voided" });
    const closed = await anonymous.get("/open311/v2/requests.json?status=closed");
    expect(closed.body.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    const open = await anonymous.get("/open311/v2/requests.json?status=open");
    expect(open.body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
  });

  it("accepts a JSON body too, and never lists incidents from other channels", async () => {
    const created = await post(
      { api_key: reporterKey, service_code: "environment.waste", lat: otherGrid.lat, long: otherGrid.lon },
      "application/json",
    );
    expect(created.status).toBe(201);
    const { rows } = await server.db.pool.query("SELECT description FROM incidents WHERE id = $1", [
      Number(created.body[0]!.service_request_id),
    ]);
    expect(rows[0].description).toBe("Dumped waste");
    const manual = await commander.post("/api/v1/incidents", {
      category: "environment.waste",
      location: { lon: grid.lon, lat: grid.lat },
      description: "Seen on patrol",
    });
    expect(manual.status).toBe(201);
    const manualId = String(manual.body.incident.id);
    expect((await commander.get(`/open311/v2/requests/${manualId}.json`)).status).toBe(404);
    const all = await commander.get("/open311/v2/requests.json");
    expect(all.body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(manualId);
  });

  it("answers errors in Open311's format", async () => {
    const base = { api_key: reporterKey, service_code: "traffic.congestion", lat: grid.lat, long: grid.lon };
    const noWrite = await token(["incidents:read"], [districtCode]);
    const cases: [Record<string, string | number>, number, RegExp][] = [
      [{ ...base, api_key: "" }, 400, /api_key/],
      [{ service_code: "traffic.congestion", lat: grid.lat, long: grid.lon }, 400, /api_key/],
      [{ ...base, api_key: "gto_999_abcdefghijklmnopqrstuvwxyz" }, 403, /api_key/],
      [{ ...base, api_key: noWrite }, 403, /incidents:report/],
      [{ ...base, service_code: "camera_fault" }, 400, /no service/],
      [{ ...base, service_code: "nope" }, 400, /no service/],
      [{ api_key: reporterKey, service_code: "traffic.congestion", address_string: "1 Main St" }, 400, /lat/],
      [{ ...base, lat: "north" }, 400, /lat/],
      [{ ...base, long: 200 }, 400, /long/],
      [{ ...base, lat: 0, long: 0 }, 400, /outside the district/],
    ];
    for (const [fields, status, message] of cases) {
      const res = await post(fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body[0]).toMatchObject({ code: status, description: expect.stringMatching(message) });
    }
    const gridKey = await token(["incidents:report"], [grid.code]);
    const outside = await post({ ...base, api_key: gridKey, lat: otherGrid.lat, long: otherGrid.lon });
    expect(outside.status).toBe(403);
    expect(outside.body[0]!.description).toMatch(/outside the cells/);
    const xml = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: "<x/>",
    });
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { code: number }[])[0]!.code).toBe(415);
    for (const [path, status] of [
      ["/open311/v2/requests/999999.json", 404],
      ["/open311/v2/requests/abc.json", 404],
      ["/open311/v2/requests.json?start_date=yesterday", 400],
      ["/open311/v2/requests.json?status=pending", 400],
      ["/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", 400],
      ["/open311/v2/requests.json?bogus=1", 400],
    ] as const) {
      const res = await commander.get(path);
      expect(res.status, path).toBe(status);
      expect(res.body[0].code, path).toBe(status);
    }
  });
});
