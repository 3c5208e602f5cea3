import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { purgePlateData } from "../plates/plate-retention.js";
import { openMissingHitIncidents } from "./hits.service.js";

let server: TestServer;
let admin: TestClient;
let analyst: TestClient;
let operator: TestClient;
let token: string;
let camera: { id: string; checkpoint_id: string; cell_code: string };
let hotlistId: number;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  analyst = await TestClient.loggedIn(server.url, "analyst1", server.demoPassword);
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
  const { rows } = await server.db.pool.query(
    "SELECT id, checkpoint_id, cell_code FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
  );
  camera = rows[0];
  const me = (await admin.get("/api/v1/auth/me")).body;
  token = (
    await admin.post("/api/v1/tokens", {
      name: "pusher",
      permissions: ["plates:ingest"],
      cellCodes: me.cells,
    })
  ).body.token;
  expect(
    (await admin.post("/api/v1/plates/devices", { deviceId: "hl-cam", cameraId: camera.id })).status,
  ).toBe(201);
  const list = await analyst.post("/api/v1/hotlists", { name: "Stolen vehicles", description: "test" });
  expect(list.status).toBe(201);
  hotlistId = list.body.id;
}, 120_000);
afterAll(() => server?.close());

async function push(plate: string, capturedAt = new Date(Date.now() - 1000)) {
  seq += 1;
  const res = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      plate,
      capturedAt: capturedAt.toISOString(),
      deviceId: "hl-cam",
      eventId: `hl-${seq}`,
    }),
  });
  const body = (await res.json()) as { reads: { id: number; duplicate: boolean }[] };
  expect(res.status).toBe(200);
  return body.reads[0]!.id;
}

const hitsForRead = async (readId: number) =>
  (await server.db.pool.query("SELECT * FROM hotlist_hits WHERE read_id = $1 ORDER BY id", [readId])).rows;

/** A hit's incident is opened just after its batch commits: wait for it. */
async function incidentOf(hitId: number): Promise<number> {
  let incidentId: number | null = null;
  await expect
    .poll(async () => {
      incidentId = (await server.db.pool.query("SELECT incident_id FROM hotlist_hits WHERE id = $1", [hitId]))
        .rows[0].incident_id;
      return incidentId;
    })
    .not.toBeNull();
  return incidentId!;
}

function entry(plate: string, over: Record<string, unknown> = {}) {
  return {
    plate,
    reasonCode: "stolen_vehicle",
    caseReference: "CASE-2026-001",
    priority: "high",
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    ...over,
  };
}

describe("hotlist entries", () => {
  it("require a reason code, case reference and expiry; changes are audited", async () => {
    const missing = await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, {
      plate: "京A00001",
      expiresAt: new Date(Date.now() + 1e6).toISOString(),
    });
    expect(missing.status).toBe(400);
    const badReason = await analyst.post(
      `/api/v1/hotlists/${hotlistId}/entries`,
      entry("京A00001", { reasonCode: "looks_suspicious" }),
    );
    expect(badReason.body.error.code).toBe("unknown_reason_code");
    const past = await analyst.post(
      `/api/v1/hotlists/${hotlistId}/entries`,
      entry("京A00001", { expiresAt: "2020-01-01T00:00:00Z" }),
    );
    expect(past.body.error.code).toBe("expiry_in_past");
    const created = await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("京 A·00001"));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      plate: "京A00001",
      createdBy: "analyst1",
      caseReference: "CASE-2026-001",
    });
    const removed = await analyst.delete(`/api/v1/hotlists/${hotlistId}/entries/${created.body.id}`);
    expect(removed.status).toBe(204);
    const { rows } = await server.db.pool.query(
      "SELECT action, actor FROM audit_log WHERE target_type = 'hotlist_entry' AND target_id = $1 ORDER BY id",
      [String(created.body.id)],
    );
    expect(rows).toEqual([
      { action: "hotlist.entry_add", actor: "analyst1" },
      { action: "hotlist.entry_remove", actor: "analyst1" },
    ]);
  });

  it("operators cannot edit hotlists; technicians cannot read them", async () => {
    expect((await operator.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("京A00002"))).status).toBe(
      403,
    );
    const tech = await TestClient.loggedIn(server.url, "tech1", server.demoPassword);
    expect((await tech.get("/api/v1/hotlists")).status).toBe(403);
  });
});

describe("hits", () => {
  it("an exact entry hits; the hit opens an incident in the checkpoint's cell and queues hotlist.hit for hits:read only", async () => {
    const e = await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("苏E12345"));
    expect(e.status).toBe(201);
    const readId = await push("苏E12345");
    const [hit, ...more] = await hitsForRead(readId);
    expect(more).toEqual([]);
    expect(hit).toMatchObject({
      entry_id: e.body.id,
      status: "pending",
      cell_code: camera.cell_code,
      checkpoint_id: camera.checkpoint_id,
    });
    const incident = (
      await server.db.pool.query("SELECT * FROM incidents WHERE id = $1", [await incidentOf(hit.id)])
    ).rows[0];
    expect(incident).toMatchObject({
      source: "hotlist_hit",
      source_ref: `hit:${hit.id}`,
      category_code: "hotlist_hit",
      priority: "high",
      cell_code: camera.cell_code,
    });
    expect(incident.description).not.toContain("12345");
    const events = (
      await server.db.pool.query(
        "SELECT topic, audience, cell_code, payload FROM outbox WHERE topic = 'hotlist.hit'",
      )
    ).rows;
    const event = events.find((ev) => ev.payload.hitId === hit.id);
    expect(event).toMatchObject({
      audience: ["hits:read"],
      cell_code: camera.cell_code,
      payload: { plate: "苏E12345", reasonCode: "stolen_vehicle", checkpointId: camera.checkpoint_id },
    });
    // The event carries the hit as the API answers it, so a hit feed need not ask (the incident
    // is opened after the batch commits: null in the event, set in the hit read later).
    const served = await analyst.get(`/api/v1/hotlist-hits/${hit.id}`);
    expect(served.status).toBe(200);
    expect(served.body.incidentId).not.toBeNull();
    expect(event.payload.hit).toEqual({ ...served.body, incidentId: null });
    const incidentEvents = (
      await server.db.pool.query("SELECT payload FROM outbox WHERE topic = 'incident.created'")
    ).rows;
    expect(JSON.stringify(incidentEvents)).not.toContain("苏E12345");
  });

  it("fuzzy: a confusable entry hits on an OCR confusion, an exact entry does not", async () => {
    await analyst.post(
      `/api/v1/hotlists/${hotlistId}/entries`,
      entry("浙A8B0D1", { matchLevel: "confusable" }),
    );
    await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("浙C12345", { matchLevel: "exact" }));
    await analyst.post(
      `/api/v1/hotlists/${hotlistId}/entries`,
      entry("浙D54321", { matchLevel: "confusable_plus_one" }),
    );
    expect(await hitsForRead(await push("浙AB8D01"))).toHaveLength(1); // 8↔B, 0↔D confusions
    expect(await hitsForRead(await push("浙C1234S"))).toHaveLength(0);
    expect(await hitsForRead(await push("浙D54329"))).toHaveLength(1); // one other substitution
    expect(await hitsForRead(await push("浙D54399"))).toHaveLength(0);
  });

  it("an expired entry stops matching; a duplicate read raises no second hit", async () => {
    const soon = await analyst.post(
      `/api/v1/hotlists/${hotlistId}/entries`,
      entry("闽A77777", { expiresAt: new Date(Date.now() + 2500).toISOString() }),
    );
    expect(soon.status).toBe(201);
    const t = new Date(Date.now() - 500);
    const first = await push("闽A77777", t);
    expect(await hitsForRead(first)).toHaveLength(1);
    const retry = await push("闽A77777", new Date(t.getTime() + 1000));
    expect(retry).toBe(first);
    expect(
      (
        await server.db.pool.query("SELECT count(*)::int AS n FROM hotlist_hits WHERE entry_id = $1", [
          soon.body.id,
        ])
      ).rows[0].n,
    ).toBe(1);
    await new Promise((r) => setTimeout(r, 3000));
    const afterExpiry = await push("闽A77777", new Date());
    expect(afterExpiry).not.toBe(first);
    expect(await hitsForRead(afterExpiry)).toHaveLength(0);
  });

  it("operators confirm or dismiss (audited); dismissing voids the incident; grid leaders and technicians see no hits", async () => {
    await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("鲁B11111"));
    await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("鲁B22222"));
    const [confirmHit] = await hitsForRead(await push("鲁B11111"));
    const [dismissHit] = await hitsForRead(await push("鲁B22222"));
    const dismissIncident = await incidentOf(dismissHit.id);
    const confirmed = await operator.post(`/api/v1/hotlist-hits/${confirmHit.id}/confirm`, {
      note: "stopped at checkpoint",
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "confirmed", reviewedBy: "operator" });
    expect((await operator.post(`/api/v1/hotlist-hits/${confirmHit.id}/dismiss`, {})).status).toBe(409);
    const dismissed = await operator.post(`/api/v1/hotlist-hits/${dismissHit.id}/dismiss`, {
      note: "different car",
    });
    expect(dismissed.body.status).toBe("dismissed");
    const incident = (
      await server.db.pool.query("SELECT state FROM incidents WHERE id = $1", [dismissIncident])
    ).rows[0];
    expect(incident.state).toBe("voided");
    const audit = (
      await server.db.pool.query(
        "SELECT action, target_id FROM audit_log WHERE target_type = 'hotlist_hit' ORDER BY id",
      )
    ).rows;
    expect(audit).toEqual([
      { action: "hotlist.hit_confirm", target_id: String(confirmHit.id) },
      { action: "hotlist.hit_dismiss", target_id: String(dismissHit.id) },
    ]);
    for (const user of ["leader1", "tech1"]) {
      const client = await TestClient.loggedIn(server.url, user, server.demoPassword);
      expect((await client.get("/api/v1/hotlist-hits")).status).toBe(403);
    }
    const list = await operator.get("/api/v1/hotlist-hits?status=confirmed");
    expect(list.body.hits.map((h: { id: number }) => h.id)).toEqual([confirmHit.id]);
  });
});

describe("hit incidents opened after COMMIT", () => {
  it("a hit left without an incident (process died after its batch committed) gets exactly one from the job's sweep", async () => {
    const e = await analyst.post(`/api/v1/hotlists/${hotlistId}/entries`, entry("晋A31313"));
    const readId = await push("晋K00000"); // stored, hits nothing
    expect(await hitsForRead(readId)).toEqual([]);
    // What a crash between COMMIT and the incident leaves behind: a pending hit without incident.
    const orphan = (
      await server.db.pool.query(
        `INSERT INTO hotlist_hits (read_id, read_captured_at, entry_id, hotlist_id, plate_text, listed_plate, match_level,
                                   camera_id, checkpoint_id, cell_code, cell_path, created_at)
         SELECT r.id, r.captured_at, $2, $3, r.plate_text, '晋A31313', 'exact', r.camera_id, r.checkpoint_id, r.cell_code,
                r.cell_path, now() - interval '2 minutes'
           FROM plate_reads r WHERE r.id = $1 RETURNING id`,
        [readId, e.body.id, hotlistId],
      )
    ).rows[0].id;
    const log = createLogger("silent");
    const opened = await Promise.all([
      openMissingHitIncidents(server.db.pool, log),
      openMissingHitIncidents(server.db.pool, log),
    ]);
    expect(opened.reduce((a, b) => a + b, 0)).toBe(1);
    const incidents = (
      await server.db.pool.query("SELECT id, cell_code FROM incidents WHERE source_ref = $1", [
        `hit:${orphan}`,
      ])
    ).rows;
    expect(incidents).toHaveLength(1);
    expect(incidents[0].cell_code).toBe(camera.cell_code);
    expect(await incidentOf(orphan)).toBe(incidents[0].id);
    expect(await openMissingHitIncidents(server.db.pool, log)).toBe(0);
  });
});

describe("retention", () => {
  it("removes exactly the eligible reads: keeps confirmed and pending hits' reads, drops dismissed ones and unlinked ones; audited", async () => {
    const pool = server.db.pool;
    const now = new Date();
    // Age everything: pretend the clock is 40 days ahead with 30 days' retention.
    const later = new Date(now.getTime() + 40 * 86_400_000);
    const { rows: before } = await pool.query(
      "SELECT r.id, h.status FROM plate_reads r LEFT JOIN hotlist_hits h ON h.read_id = r.id",
    );
    const keep = new Set(
      before.filter((r) => r.status === "confirmed" || r.status === "pending").map((r) => r.id),
    );
    const unlinkedRecent = await push("冀A99999");
    const report = await purgePlateData(pool, createLogger("silent"), {
      retentionDays: 30,
      imageRetentionDays: 30,
      now: later,
      actor: "test",
    });
    expect(report.readsRetained + report.readsDeleted).toBe(before.length + 1);
    expect(report.readsRetained).toBe(keep.size + 0);
    expect(report.partitionsDropped.length).toBeGreaterThan(0);
    expect((await pool.query("SELECT count(*)::int AS n FROM plate_reads")).rows[0].n).toBe(0);
    const retained = (await pool.query("SELECT id, retained_reason FROM plate_reads_retained")).rows;
    expect(new Set(retained.map((r) => r.id))).toEqual(keep);
    expect(retained.map((r) => r.retained_reason)).toContain("confirmed_hit");
    expect(retained.map((r) => r.id)).not.toContain(unlinkedRecent);
    expect(
      (await pool.query("SELECT count(*)::int AS n FROM hotlist_hits WHERE status = 'dismissed'")).rows[0].n,
    ).toBe(0);
    const audit = (await pool.query("SELECT details FROM audit_log WHERE action = 'plates.retention_purge'"))
      .rows;
    expect(audit).toHaveLength(1);
    expect(audit[0].details.readsDeleted).toBe(report.readsDeleted);

    // Retained reads stay searchable for the case.
    const found = await analyst.post("/api/v1/plates/search", {
      plate: "鲁B11111",
      from: new Date(now.getTime() - 86_400_000).toISOString(),
      to: new Date(now.getTime() + 86_400_000).toISOString(),
      purposeCode: "hotlist_hit_verification",
      caseReference: "CASE-2026-001",
    });
    expect(found.status).toBe(200);
    expect(found.body.reads).toHaveLength(1);
  });
});
