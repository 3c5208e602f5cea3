import { createHash } from "node:crypto";
import { fakeJpeg, fixture, multipartBody } from "@gridops/camera-adapters/plates/fixtures/fixture-helpers";
import { type PlateFormat, parsePlatePayload } from "@gridops/camera-adapters/plates/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;
let camera: { id: string; checkpoint_id: string; lane: number; cell_code: string };
let token: string;

/** Every vendor fixture with the time its own parser test receives it at (fixtures are old). */
const vendorCases: {
  format: PlateFormat;
  name: string;
  body: () => Buffer;
  contentType: string;
  receivedAt: string;
}[] = [
  {
    format: "hikvision-isapi",
    name: "hikvision-anpr-cn-wan.xml",
    body: () => fixture("hikvision-anpr-cn-wan.xml"),
    contentType: "application/xml",
    receivedAt: "2023-10-10T10:21:03Z",
  },
  {
    format: "hikvision-isapi",
    name: "hikvision multipart (anpr-cn-su + pictures)",
    body: () =>
      multipartBody([
        {
          name: "anpr.xml",
          filename: "anpr.xml",
          contentType: "text/xml",
          data: fixture("hikvision-anpr-cn-su.xml"),
        },
        {
          name: "licensePlatePicture.jpg",
          filename: "licensePlatePicture.jpg",
          contentType: "image/jpeg",
          data: fakeJpeg(300),
        },
        {
          name: "detectionPicture.jpg",
          filename: "detectionPicture.jpg",
          contentType: "image/jpeg",
          data: fakeJpeg(4000),
        },
      ]),
    contentType: "multipart/form-data; boundary=boundary",
    receivedAt: "2034-01-04T08:00:00Z",
  },
  {
    format: "dahua",
    name: "dahua-traffic-junction-plate.json",
    body: () => fixture("dahua-traffic-junction-plate.json"),
    contentType: "application/json",
    receivedAt: "2024-01-30T06:35:00Z",
  },
  {
    format: "dahua",
    name: "dahua-tollgate.json",
    body: () => fixture("dahua-tollgate.json"),
    contentType: "application/json",
    receivedAt: "2024-02-20T06:31:00Z",
  },
  {
    format: "openalpr",
    name: "openalpr-group.json",
    body: () => fixture("openalpr-group.json"),
    contentType: "application/json",
    receivedAt: "2015-11-24T00:50:30Z",
  },
  {
    format: "platerecognizer",
    name: "platerecognizer-stream.json",
    body: () => fixture("platerecognizer-stream.json"),
    contentType: "application/json",
    receivedAt: "2021-09-29T05:56:15Z",
  },
  {
    format: "chinese-parking",
    name: "chinese-parking-cn.json",
    body: () => fixture("chinese-parking-cn.json"),
    contentType: "application/json",
    receivedAt: "2024-02-20T06:30:47Z",
  },
  {
    format: "chinese-parking",
    name: "chinese-parking-alphadigi.json",
    body: () => fixture("chinese-parking-alphadigi.json"),
    contentType: "application/json",
    receivedAt: "2022-12-14T00:10:00Z",
  },
  {
    format: "frigate",
    name: "frigate-event-lpr.json",
    body: () => fixture("frigate-event-lpr.json"),
    contentType: "application/json",
    receivedAt: "2020-12-04T23:19:30Z",
  },
];

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const { rows } = await server.db.pool.query(
    "SELECT id, checkpoint_id, lane, cell_code FROM cameras WHERE checkpoint_id IS NOT NULL AND lane IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
  );
  camera = rows[0];
  const me = (await admin.get("/api/v1/auth/me")).body;
  const created = await admin.post("/api/v1/tokens", {
    name: "plate pusher",
    permissions: ["plates:ingest"],
    cellCodes: me.cells,
  });
  expect(created.status).toBe(201);
  token = created.body.token;
}, 120_000);
afterAll(() => server?.close());

async function registerDevice(deviceId: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post("/api/v1/plates/devices", { deviceId, cameraId: camera.id, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

function push(
  format: string,
  body: Buffer | string,
  contentType: string,
  headers: Record<string, string> = {},
  query = "",
) {
  return fetch(`${server.url}/api/v1/ingest/plates/${format}${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": contentType, ...headers },
    body: typeof body === "string" ? body : new Uint8Array(body),
  }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON shapes
    body: (await res.json().catch(() => null)) as any,
  }));
}

async function readsOf(deviceKey: string) {
  const { rows } = await server.db.pool.query(
    `SELECT r.*, d.device_key FROM plate_reads r JOIN plate_devices d ON d.id = r.device_id WHERE d.device_key = lower($1) ORDER BY r.id`,
    [deviceKey],
  );
  return rows;
}

describe("vendor formats end to end through POST /api/v1/ingest/plates/{format}", () => {
  for (const c of vendorCases) {
    it(`${c.format}: ${c.name}`, async () => {
      // The fixture's device clock is years off: record that as the device's clock offset,
      // exactly what an operator does for a camera whose clock is wrong. A clock that far off
      // can only be corrected when the push names its device up front (?device=, decision 0101).
      const [expected, ...more] = await parsePlatePayload(c.format, {
        body: c.body(),
        contentType: c.contentType,
        receivedAt: new Date(c.receivedAt),
      });
      expect(more).toEqual([]);
      const offset = expected!.capturedAt.getTime() - Date.now();
      await registerDevice(expected!.deviceId, {
        clockOffsetMs: offset,
        ...(expected!.channel ? { channel: expected!.channel } : {}),
      });
      const res = await push(
        c.format,
        c.body(),
        c.contentType,
        {},
        `?device=${encodeURIComponent(expected!.deviceId)}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ accepted: 1, stored: 1, duplicates: 0 });
      const [row, ...others] = await readsOf(expected!.deviceId);
      expect(others).toEqual([]);
      expect(row).toMatchObject({
        id: res.body.reads[0].id,
        plate_text: expected!.plateText,
        plate_valid: expected!.plateValid,
        format: c.format,
        camera_id: camera.id,
        checkpoint_id: camera.checkpoint_id,
        lane: camera.lane,
        cell_code: camera.cell_code,
      });
      expect(Math.abs(row.captured_at.getTime() - Date.now())).toBeLessThan(60_000);
      expect(row.cell_path).toContain(camera.cell_code);
      expect(row.flags.includes("invalid_format")).toBe(!expected!.plateValid);
      const pictures = expected!.images.filter((i) => "data" in i);
      expect(row.images.filter((i: { sha256?: string }) => i.sha256)).toHaveLength(pictures.length);
      for (const picture of pictures) {
        const sha = createHash("sha256")
          .update((picture as { data: Buffer }).data)
          .digest("hex");
        const { rows } = await server.db.pool.query("SELECT size_bytes FROM plate_images WHERE sha256 = $1", [
          sha,
        ]);
        expect(rows).toHaveLength(1);
      }
    });
  }

  it("generic: a batch naming two devices stores both reads", async () => {
    await registerDevice("KK-0102-L1");
    await registerDevice("KK-0102-L2");
    // The fixture's capture times are fixed dates; moved to the last minute so the push stays
    // inside the accepted window (7 days back) whenever the test runs.
    const batch = JSON.parse(fixture("generic-batch.json").toString()) as { capturedAt: string }[];
    batch.forEach((r, i) => {
      r.capturedAt = new Date(Date.now() - 60_000 + i * 1000).toISOString();
    });
    const res = await push("generic", JSON.stringify(batch), "application/json");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, stored: 2, duplicates: 0 });
    expect((await readsOf("KK-0102-L1")).map((r) => r.plate_text)).toEqual(["沪AD12345"]);
    expect((await readsOf("KK-0102-L2")).map((r) => r.plate_text)).toEqual(["沪B12345"]);
  });

  it("a heartbeat (well-formed, no plate) is acknowledged and stores nothing", async () => {
    const res = await push("openalpr", fixture("openalpr-heartbeat.json"), "application/json");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, stored: 0 });
  });
});

describe("exactly-once effect", () => {
  const read = (over: Record<string, unknown> = {}) => ({
    plate: "粤B12345",
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    deviceId: "dup-device",
    ...over,
  });

  beforeAll(() => registerDevice("dup-device"));

  it("the same payload fired 20 times concurrently stores one read", async () => {
    const body = JSON.stringify(read({ eventId: "evt-20x" }));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => push("generic", body, "application/json")),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const ids = new Set(answers.map((a) => a.body.reads[0].id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.stored === 1)).toHaveLength(1);
    const rows = (await readsOf("dup-device")).filter((r) => r.vendor_event_id === "evt-20x");
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe([...ids][0]);
  });

  it("same device and plate within the window is one read; outside it, two; other plates are kept", async () => {
    const t = Date.now() - 120_000;
    const at = (ms: number) => new Date(t + ms).toISOString();
    const batch = [
      read({ plate: "粤B54321", capturedAt: at(0) }),
      read({ plate: "粤B54321", capturedAt: at(2000) }),
      read({ plate: "粤B54321", capturedAt: at(9000) }),
      read({ plate: "粤B99999", capturedAt: at(1000) }),
    ];
    const res = await push("generic", JSON.stringify(batch), "application/json");
    expect(res.body).toMatchObject({ accepted: 4, stored: 3, duplicates: 1 });
    expect(res.body.reads[1].id).toBe(res.body.reads[0].id);
    const again = await push(
      "generic",
      JSON.stringify([read({ plate: "粤B54321", capturedAt: at(1500) })]),
      "application/json",
    );
    expect(again.body).toMatchObject({
      stored: 0,
      duplicates: 1,
      reads: [{ id: res.body.reads[0].id, duplicate: true }],
    });
    const rows = (await readsOf("dup-device")).filter((r) => r.plate_text === "粤B54321");
    expect(rows).toHaveLength(2);
  });

  it("the same vendor event id with another time is a retry, not a new read", async () => {
    const first = await push(
      "generic",
      JSON.stringify(read({ plate: "粤B77777", eventId: "evt-retry" })),
      "application/json",
    );
    const second = await push(
      "generic",
      JSON.stringify(
        read({
          plate: "粤B77777",
          eventId: "evt-retry",
          capturedAt: new Date(Date.now() - 30_000).toISOString(),
        }),
      ),
      "application/json",
    );
    expect(first.body.reads[0].duplicate).toBe(false);
    expect(second.body.reads[0]).toMatchObject({ id: first.body.reads[0].id, duplicate: true });
  });
});

describe("authentication", () => {
  it("an invalid token is 401; no credentials is 401 with Digest and Basic challenges", async () => {
    const bad = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
      method: "POST",
      headers: {
        authorization: "Bearer gto_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(bad.status).toBe(401);
    const none = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(none.status).toBe(401);
    const challenge = none.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(/Digest realm="GridOps plate ingest".*algorithm=SHA-256/);
    expect(challenge).toMatch(/Basic realm=/);
    expect(
      (
        await server.db.pool.query(
          "SELECT count(*)::int AS n FROM ingest_dead_letters WHERE auth_actor = 'anonymous'",
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it("a token without plates:ingest is 403", async () => {
    const viewer = await TestClient.loggedIn(server.url, "viewer", server.demoPassword);
    const res = await viewer.post("/api/v1/ingest/plates/generic", JSON.stringify(read()), {
      "content-type": "application/json",
    });
    expect(res.status).toBe(403);
  });

  it("a token limited to other cameras gets 403 and nothing is stored", async () => {
    const me = (await admin.get("/api/v1/auth/me")).body;
    const scoped = (
      await admin.post("/api/v1/tokens", {
        name: "other camera",
        permissions: ["plates:ingest"],
        cellCodes: me.cells,
        cameraIds: ["no-such-camera"],
      })
    ).body.token;
    const res = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
      method: "POST",
      headers: { authorization: `Bearer ${scoped}`, "content-type": "application/json" },
      body: JSON.stringify(read({ plate: "粤B40300" })),
    });
    expect(res.status).toBe(403);
    expect((await readsOf("dup-device")).filter((r) => r.plate_text === "粤B40300")).toHaveLength(0);
  });

  it("Digest: challenge, then a correct response with nc/cnonce is accepted; a replayed header is refused", async () => {
    const created = await admin.post("/api/v1/plates/device-credentials", {
      username: "cam-digest",
      password: "correct horse battery",
    });
    expect(created.status).toBe(201);
    await registerDevice("digest-cam", { credentialId: created.body.id });
    const path = "/api/v1/ingest/plates/generic";
    const body = JSON.stringify(read({ plate: "粤B31415", deviceId: "digest-cam" }));
    const first = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(first.status).toBe(401);
    const header = first.headers.get("www-authenticate")!;
    const nonce = /algorithm=MD5, nonce="([^"]+)"/.exec(header)![1]!;
    const md5 = (s: string) => createHash("md5").update(s).digest("hex");
    const ha1 = md5(`cam-digest:GridOps plate ingest:correct horse battery`);
    const ha2 = md5(`POST:${path}`);
    const authorization = (nc: string, password = ha1) =>
      `Digest username="cam-digest", realm="GridOps plate ingest", nonce="${nonce}", uri="${path}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="abc", response="${md5(`${password}:${nonce}:${nc}:abc:auth:${ha2}`)}"`;
    const ok = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: authorization("00000001") },
      body,
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const replayed = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: authorization("00000001") },
      body,
    });
    expect(replayed.status).toBe(401);
    const wrong = await fetch(server.url + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: authorization("00000002", md5("cam-digest:GridOps plate ingest:wrong")),
      },
      body,
    });
    expect(wrong.status).toBe(401);
    const basic = await fetch(server.url + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from("cam-digest:correct horse battery").toString("base64")}`,
      },
      body: JSON.stringify(read({ plate: "粤B27182", deviceId: "digest-cam" })),
    });
    expect(basic.status).toBe(200);
    // These credentials belong to digest-cam only.
    const other = await fetch(server.url + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from("cam-digest:correct horse battery").toString("base64")}`,
      },
      body: JSON.stringify(read({ plate: "粤B27183" })),
    });
    expect(other.status).toBe(403);
  });
});

describe("bad input: a reason or a dead letter, never a crash, never a partial write", () => {
  const deadLetterCount = async () =>
    (await server.db.pool.query("SELECT count(*)::int AS n FROM ingest_dead_letters")).rows[0].n as number;
  const readCount = async () =>
    (await server.db.pool.query("SELECT count(*)::int AS n FROM plate_reads")).rows[0].n as number;

  const cases: { name: string; format: string; body: string | Buffer; contentType: string; code: string }[] =
    [
      {
        name: "malformed XML",
        format: "hikvision-isapi",
        body: "<EventNotificationAlert><ANPR>",
        contentType: "application/xml",
        code: "malformed_xml",
      },
      {
        name: "XXE",
        format: "hikvision-isapi",
        body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><EventNotificationAlert>&e;</EventNotificationAlert>',
        contentType: "application/xml",
        code: "xml_doctype_forbidden",
      },
      {
        name: "malformed JSON",
        format: "generic",
        body: '{"plate": ',
        contentType: "application/json",
        code: "malformed_json",
      },
      {
        name: "wrong content type",
        format: "generic",
        body: "plate=1",
        contentType: "application/x-www-form-urlencoded",
        code: "unsupported_content_type",
      },
      {
        name: "impossible timestamp",
        format: "generic",
        body: JSON.stringify({
          plate: "粤B12345",
          capturedAt: "2026-02-30T10:00:00+08:00",
          deviceId: "dup-device",
        }),
        contentType: "application/json",
        code: "invalid_(payload|timestamp)",
      },
      {
        name: "timestamp from 1999",
        format: "generic",
        body: JSON.stringify({
          plate: "粤B12345",
          capturedAt: "1999-01-01T00:00:00Z",
          deviceId: "dup-device",
        }),
        contentType: "application/json",
        code: "timestamp_out_of_range",
      },
      {
        name: "garbage plate text",
        format: "generic",
        body: JSON.stringify({ plate: "无牌", capturedAt: new Date().toISOString(), deviceId: "dup-device" }),
        contentType: "application/json",
        code: "plate_empty",
      },
      {
        name: "unknown device",
        format: "generic",
        body: JSON.stringify({
          plate: "粤B12345",
          capturedAt: new Date().toISOString(),
          deviceId: "never-registered",
        }),
        contentType: "application/json",
        code: "unknown_device",
      },
      {
        name: "a batch where one read's device is unknown",
        format: "generic",
        body: JSON.stringify([
          { plate: "粤B11111", capturedAt: new Date().toISOString(), deviceId: "dup-device" },
          { plate: "粤B22222", capturedAt: new Date().toISOString(), deviceId: "never-registered-2" },
        ]),
        contentType: "application/json",
        code: "unknown_device",
      },
      {
        name: "oversized multipart picture",
        format: "platerecognizer",
        body: multipartBody([
          { name: "json", data: fixture("platerecognizer-stream.json").toString("utf8") },
          { name: "upload", filename: "a.jpg", contentType: "image/jpeg", data: fakeJpeg(6 * 1024 * 1024) },
        ]),
        contentType: "multipart/form-data; boundary=boundary",
        code: "picture_too_large",
      },
    ];

  for (const c of cases) {
    it(`${c.name} → 202 dead letter ${c.code}, nothing stored`, async () => {
      const [reads, letters] = [await readCount(), await deadLetterCount()];
      const res = await push(c.format, c.body, c.contentType);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.deadLetter.code).toMatch(new RegExp(`^${c.code}$`));
      expect(res.body.deadLetter.messageZh).toBeTruthy();
      expect(res.headers.get("x-gridops-dead-letter")).toBe(String(res.body.deadLetter.id));
      expect(await readCount()).toBe(reads);
      expect(await deadLetterCount()).toBe(letters + 1);
      const { rows } = await server.db.pool.query(
        "SELECT reason_code, headers, source_ip, auth_actor FROM ingest_dead_letters WHERE id = $1",
        [res.body.deadLetter.id],
      );
      expect(rows[0].reason_code).toBe(res.body.deadLetter.code);
      expect(rows[0].headers.authorization).toBeUndefined();
      expect(rows[0].headers["content-type"]).toBe(c.contentType);
      expect(rows[0].auth_actor).toMatch(/^token:/);
    });
  }

  it("?strict=1 answers 422 with the reason (still stored); a resent payload counts an occurrence", async () => {
    const body = '{"plate": 1';
    const res = await push("generic", body, "application/json", {}, "?strict=1");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "malformed_json",
      details: { deadLetterId: expect.any(Number) },
    });
    await push("generic", body, "application/json");
    const { rows } = await server.db.pool.query("SELECT occurrences FROM ingest_dead_letters WHERE id = $1", [
      res.body.error.details.deadLetterId,
    ]);
    expect(rows[0].occurrences).toBe(2);
  });

  it("a body over the HTTP limit is 413; an unknown format is 400; no content type is 415", async () => {
    expect((await push("generic", Buffer.alloc(18 * 1024 * 1024, 0x20), "application/json")).status).toBe(
      413,
    );
    const unknown = await push("acme", "{}", "application/json");
    expect(unknown.status).toBe(400);
    const noType = await fetch(`${server.url}/api/v1/ingest/plates/generic`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array(Buffer.from("{}")),
    });
    expect(noType.status).toBe(415);
  });
});

describe("dead letters: admin view and replay", () => {
  it("an unknown device is replayed after the device is registered; technicians cannot see dead letters", async () => {
    const body = JSON.stringify({
      plate: "粤B60606",
      capturedAt: new Date(Date.now() - 5000).toISOString(),
      deviceId: "late-registered",
    });
    const res = await push("generic", body, "application/json");
    expect(res.body.deadLetter.code).toBe("unknown_device");
    const id = res.body.deadLetter.id;

    const tech = await TestClient.loggedIn(server.url, "tech1", server.demoPassword);
    expect((await tech.get("/api/v1/ingest/dead-letters")).status).toBe(403);

    const list = await admin.get("/api/v1/ingest/dead-letters?reason=unknown_device");
    expect(list.status).toBe(200);
    expect(list.body.deadLetters.map((d: { id: number }) => d.id)).toContain(id);
    const failed = await admin.post(`/api/v1/ingest/dead-letters/${id}/replay`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ ok: false, error: { code: "unknown_device" } });

    await registerDevice("late-registered");
    const replayed = await admin.post(`/api/v1/ingest/dead-letters/${id}/replay`);
    expect(replayed.body).toMatchObject({ ok: true, stored: 1 });
    expect((await readsOf("late-registered")).map((r) => r.plate_text)).toEqual(["粤B60606"]);
    expect((await admin.post(`/api/v1/ingest/dead-letters/${id}/replay`)).status).toBe(409);

    const payload = await admin.get(`/api/v1/ingest/dead-letters/${id}/payload`);
    expect(payload.status).toBe(200);
    const { rows } = await server.db.pool.query(
      "SELECT action FROM audit_log WHERE target_type = 'ingest_dead_letter' AND target_id = $1 ORDER BY id",
      [String(id)],
    );
    expect(rows.map((r) => r.action)).toEqual([
      "ingest.dead_letter_replay",
      "ingest.dead_letter_replay",
      "ingest.dead_letter_view",
    ]);
  });
});

function read(over: Record<string, unknown> = {}) {
  return {
    plate: "粤B12345",
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    deviceId: "dup-device",
    ...over,
  };
}
