import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("/metrics", () => {
  it("exposes Prometheus text with route latency, pool and camera-state gauges to a metrics token", async () => {
    const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
    await admin.get("/api/v1/cells?limit=5");
    const { rows } = await server.db.pool.query<{ code: string }>("SELECT code FROM cells WHERE level = 'district'");
    const token = (await admin.post("/api/v1/tokens", { name: "prometheus", permissions: ["metrics:read"], cellCodes: [rows[0]!.code] })).body.token;
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^# HELP gridops_http_request_duration_seconds /m);
    expect(text).toMatch(/gridops_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/cells",status="200"\} [1-9]/);
    expect(text).toMatch(/gridops_db_pool_connections\{state="total"\} \d+/);
    const cameras = await server.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cameras WHERE status = 'unknown'");
    expect(text).toContain(`gridops_cameras{state="unknown"} ${cameras.rows[0]!.n}`);
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+|NaN$/);
    }
  });

  it("is refused to callers without metrics:read", async () => {
    const commander = await TestClient.loggedIn(server.url, "commander", server.demoPassword);
    expect((await commander.get("/metrics")).status).toBe(403);
    expect((await new TestClient(server.url).get("/metrics")).status).toBe(401);
  });
});
