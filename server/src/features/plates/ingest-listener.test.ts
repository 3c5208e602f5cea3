import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../app-deps.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { withPlateIngestListener } from "./ingest-listener.js";

/**
 * The plate ingest listener ahead of Express (decision 0109): common pushes are answered by
 * it, everything else by Express, with the same answers. Express answers carry helmet's
 * Content-Security-Policy; the listener's do not, which tells the two apart here.
 */
let server: TestServer;
let admin: TestClient;
let token: string;
let plateNo = 100;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const me = (await admin.get("/api/v1/auth/me")).body;
  token = (
    await admin.post("/api/v1/tokens", {
      name: "listener",
      permissions: ["plates:ingest"],
      cellCodes: me.cells,
    })
  ).body.token;
  const { rows } = await server.db.pool.query(
    "SELECT id FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
  );
  expect(
    (await admin.post("/api/v1/plates/devices", { deviceId: "listener-cam", cameraId: rows[0].id })).status,
  ).toBe(201);
}, 120_000);
afterAll(() => server?.close());

const read = (deviceId = "listener-cam") =>
  JSON.stringify({
    plate: `粤B6${String(plateNo++).padStart(4, "0")}`,
    capturedAt: new Date(Date.now() - 1000).toISOString(),
    deviceId,
  });

async function push(
  opts: { auth?: string; query?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${server.url}/api/v1/ingest/plates/generic${opts.query ?? ""}`, {
    method: "POST",
    headers: {
      ...(opts.auth === "" ? {} : { authorization: opts.auth ?? `Bearer ${token}` }),
      "content-type": "application/json",
      ...opts.headers,
    },
    body: opts.body ?? read(),
  });
  return {
    status: res.status,
    viaExpress: res.headers.has("content-security-policy"),
    requestId: res.headers.get("x-request-id"),
    // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON shapes
    body: (await res.json()) as any,
  };
}

/** A push whose body arrives in chunks without Content-Length (the listener leaves it to Express). */
function chunkedPush(body: string): Promise<{ status: number; viaExpress: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/api/v1/ingest/plates/generic`,
      { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            viaExpress: res.headers["content-security-policy"] !== undefined,
          }),
        );
      },
    );
    req.on("error", reject);
    req.write(body.slice(0, 10));
    req.end(body.slice(10));
  });
}

/** A sized push whose body follows its headers after a pause (another packet, after the token check). */
function latePush(body: string): Promise<{ status: number; viaExpress: boolean; stored: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/api/v1/ingest/plates/generic`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            viaExpress: res.headers["content-security-policy"] !== undefined,
            stored: JSON.parse(text).stored,
          }),
        );
      },
    );
    req.on("error", reject);
    req.flushHeaders();
    setTimeout(() => req.write(body.slice(0, 10)), 100);
    setTimeout(() => req.end(body.slice(10)), 200);
  });
}

describe("plate ingest listener ahead of Express", () => {
  it("answers a bearer push itself, stored as through the route, with a request id", async () => {
    const res = await push({ headers: { "x-request-id": "abc-123" } });
    expect(res).toMatchObject({ status: 200, viaExpress: false, requestId: "abc-123" });
    expect(res.body).toMatchObject({ accepted: 1, stored: 1, duplicates: 0 });
    const { rows } = await server.db.pool.query("SELECT format FROM plate_reads WHERE id = $1", [
      res.body.reads[0].id,
    ]);
    expect(rows).toEqual([{ format: "generic" }]);
    // A body that comes after its headers (not yet buffered when the token is checked) is read as it arrives.
    expect(await latePush(read())).toEqual({ status: 200, viaExpress: false, stored: 1 });
    // The same push again is a duplicate, as through the route.
    const body = read();
    const first = await push({ body });
    const again = await push({ body });
    expect(again.body.reads[0]).toMatchObject({ id: first.body.reads[0].id, duplicate: true });
  });

  it("leaves every other case to Express, with Express's answers", async () => {
    const bad = await push({ auth: "Bearer gto_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(bad).toMatchObject({
      status: 401,
      viaExpress: true,
      body: { error: { code: "unauthenticated" } },
    });
    const viewerToken = (
      await admin.post("/api/v1/tokens", {
        name: "no ingest",
        permissions: ["cells:read"],
        cellCodes: (await admin.get("/api/v1/auth/me")).body.cells,
      })
    ).body.token;
    const denied = await push({ auth: `Bearer ${viewerToken}` });
    expect(denied).toMatchObject({ status: 403, viaExpress: true, body: { error: { code: "forbidden" } } });
    const unknownQuery = await push({ query: "?verbose=1" });
    expect(unknownQuery).toMatchObject({ status: 400, viaExpress: true });
    const none = await push({ auth: "" });
    expect(none).toMatchObject({ status: 401, viaExpress: true });
    expect(await chunkedPush(read())).toEqual({ status: 200, viaExpress: true });
  });

  it("answers errors after the body with the route's shapes: dead letters 202, ?strict=1 422, 403 for foreign cameras", async () => {
    const dead = await push({ body: read("no-such-device") });
    expect(dead).toMatchObject({
      status: 202,
      viaExpress: false,
      body: { deadLetter: { code: "unknown_device" } },
    });
    const strict = await push({ body: read("no-such-device-2"), query: "?strict=1" });
    expect(strict).toMatchObject({
      status: 422,
      viaExpress: false,
      body: { error: { code: "unknown_device", details: { deadLetterId: expect.any(Number) } } },
    });
    const me = (await admin.get("/api/v1/auth/me")).body;
    const scoped = (
      await admin.post("/api/v1/tokens", {
        name: "other camera",
        permissions: ["plates:ingest"],
        cellCodes: me.cells,
        cameraIds: ["no-such-camera"],
      })
    ).body.token;
    const foreign = await push({ auth: `Bearer ${scoped}` });
    expect(foreign).toMatchObject({ status: 403, viaExpress: false, body: { error: { code: "forbidden" } } });
  });

  it("is off behind a trusted proxy (client addresses then follow Express's proxy rules)", () => {
    const app: http.RequestListener = () => {};
    expect(withPlateIngestListener({ config: { trustProxy: true } } as unknown as AppDeps, app)).toBe(app);
    expect(withPlateIngestListener({ config: { trustProxy: false } } as unknown as AppDeps, app)).not.toBe(
      app,
    );
  });
});
