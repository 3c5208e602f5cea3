import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { toCsv } from "./plate-search.service.js";

let server: TestServer;
let analyst: TestClient;
let camera: { id: string; checkpoint_id: string; cell_code: string };
const from = new Date(Date.now() - 3600_000).toISOString();
const to = new Date(Date.now() + 60_000).toISOString();
const why = { purposeCode: "case_investigation", caseReference: "CASE-7" };

beforeAll(async () => {
  server = await startTestServer();
  const admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  analyst = await TestClient.loggedIn(server.url, "analyst1", server.demoPassword);
  camera = (
    await server.db.pool.query(
      "SELECT id, checkpoint_id, cell_code FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
    )
  ).rows[0];
  const me = (await admin.get("/api/v1/auth/me")).body;
  const token = (
    await admin.post("/api/v1/tokens", { name: "p", permissions: ["plates:ingest"], cellCodes: me.cells })
  ).body.token;
  await admin.post("/api/v1/plates/devices", { deviceId: "search-cam", cameraId: camera.id });
  const plates = ["粤A12345", "粤A12346", "粤B12345", "=HYPERLINK(1)", "川Z99999"];
  const body = plates.map((plate, i) => ({
    plate,
    capturedAt: new Date(Date.now() - 60_000 + i * 4000).toISOString(),
    deviceId: "search-cam",
  }));
  const res = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}, 120_000);
afterAll(() => server?.close());

const search = (client: TestClient, body: Record<string, unknown>) =>
  client.post("/api/v1/plates/search", { from, to, ...body });

describe("plate search", () => {
  it("is refused without a purpose (400 purpose_required) or a case reference", async () => {
    const none = await search(analyst, { plate: "粤A12345", caseReference: "CASE-7" });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("purpose_required");
    const short = await search(analyst, {
      plate: "粤A12345",
      purposeText: "because",
      caseReference: "CASE-7",
    });
    expect(short.body.error.code).toBe("purpose_required");
    const noCase = await search(analyst, { plate: "粤A12345", purposeCode: "case_investigation" });
    expect(noCase.body.error.code).toBe("case_reference_required");
    const { rows } = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'plates.search'",
    );
    expect(rows[0].n).toBe(0);
  });

  it("finds exact, partial and wildcard plates, and writes one audit row per search with its row count", async () => {
    const exact = await search(analyst, { plate: "粤a 12345", ...why });
    expect(exact.status).toBe(200);
    expect(exact.body.reads.map((r: { plate: string }) => r.plate)).toEqual(["粤A12345"]);
    expect(exact.body.reads[0]).toMatchObject({
      cameraId: camera.id,
      checkpointId: camera.checkpoint_id,
      cellCode: camera.cell_code,
    });
    const partial = await search(analyst, {
      plate: "12345",
      match: "partial",
      purposeText: "checking a witness statement",
      caseReference: "CASE-7",
    });
    expect(partial.body.reads.map((r: { plate: string }) => r.plate).sort()).toEqual([
      "粤A12345",
      "粤B12345",
    ]);
    const wildcard = await search(analyst, { plate: "粤A1234?", ...why });
    expect(wildcard.body.reads).toHaveLength(2);
    const star = await search(analyst, { plate: "*99999", ...why });
    expect(star.body.reads.map((r: { plate: string }) => r.plate)).toEqual(["川Z99999"]);
    expect((await search(analyst, { plate: "*", ...why })).body.error.code).toBe("pattern_too_broad");
    const { rows } = await server.db.pool.query(
      "SELECT actor, details FROM audit_log WHERE action = 'plates.search' ORDER BY id",
    );
    expect(rows.map((r) => r.details.rowCount)).toEqual([1, 2, 2, 1]);
    expect(rows[1].details).toMatchObject({
      purpose: { text: "checking a witness statement" },
      caseReference: "CASE-7",
      query: { plate: "12345", match: "partial" },
    });
    expect(rows.every((r) => r.actor === "analyst1")).toBe(true);
  });

  it("pages with a cursor", async () => {
    const first = await analyst.post("/api/v1/plates/search", {
      from,
      to,
      checkpointId: camera.checkpoint_id,
      limit: 2,
      ...why,
    });
    expect(first.body.reads).toHaveLength(2);
    const second = await analyst.post("/api/v1/plates/search", {
      from,
      to,
      checkpointId: camera.checkpoint_id,
      limit: 2,
      cursor: first.body.nextCursor,
      ...why,
    });
    const ids = [...first.body.reads, ...second.body.reads].map((r: { id: number }) => r.id);
    expect(new Set(ids).size).toBe(4);
  });

  it("technicians and grid leaders get 403 on search and export but may count; counts carry no plates", async () => {
    for (const user of ["tech1", "leader1"]) {
      const client = await TestClient.loggedIn(server.url, user, server.demoPassword);
      expect((await search(client, { plate: "粤A12345", ...why })).status).toBe(403);
      expect(
        (await client.post("/api/v1/plates/export", { from, to, plate: "粤A12345", ...why })).status,
      ).toBe(403);
      const counts = await client.get(`/api/v1/plates/counts?from=${from}&to=${to}`);
      expect(counts.status).toBe(200);
      expect(JSON.stringify(counts.body)).not.toMatch(/粤|川/);
    }
    const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const mine = await leader.get(`/api/v1/plates/counts?from=${from}&to=${to}`);
    const leaderCells = (await leader.get("/api/v1/auth/me")).body.cells as string[];
    const inside = (
      await server.db.pool.query("SELECT path && $1::text[] AS inside FROM cells WHERE code = $2", [
        leaderCells,
        camera.cell_code,
      ])
    ).rows[0].inside;
    expect(mine.body.counts.reduce((n: number, c: { vehicles: number }) => n + c.vehicles, 0)).toBe(
      inside ? 5 : 0,
    );
  });

  it("exports CSV (formula-safe), audited with its row count", async () => {
    const res = await analyst.request("POST", "/api/v1/plates/export", {
      from,
      to,
      checkpointId: camera.checkpoint_id,
      ...why,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = res.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(6);
    expect(res.text).toContain(`"'=HYPERLINK(1)"`);
    const { rows } = await server.db.pool.query(
      "SELECT details FROM audit_log WHERE action = 'plates.export'",
    );
    expect(rows.map((r) => r.details.rowCount)).toEqual([5]);
  });

  it("toCsv neutralises every formula prefix", () => {
    const base = {
      id: 1,
      capturedAt: "t",
      plateRaw: "",
      plateColour: "blue",
      plateValid: false,
      plateKind: "unknown",
      confidence: null,
      format: "generic",
      cameraId: "c",
      checkpointId: null,
      lane: null,
      direction: null,
      vehicleType: null,
      vehicleColour: null,
      cellCode: null,
      flags: [],
      images: [],
    };
    const csv = toCsv(
      ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", 'say "hi"'].map((plate) => ({ ...base, plate })),
    );
    expect(csv).toContain(`"'=1+1"`);
    expect(csv).toContain(`"'+1"`);
    expect(csv).toContain(`"'-1"`);
    expect(csv).toContain(`"'@SUM(A1)"`);
    expect(csv).toContain(`"'\tx"`);
    expect(csv).toContain(`"say ""hi"""`);
  });
});
