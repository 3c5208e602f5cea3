import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { sniffImageType } from "./attachments.js";
import { type DemoPlaces, demoPlaces, eastOf, loginAll, multipart, tinyPng } from "./test-fixtures.js";

const MAX_BYTES = 4096;
let server: TestServer;
let places: DemoPlaces;
let as: Record<"operator" | "commander" | "leader1" | "leader2", TestClient>;

beforeAll(async () => {
  server = await startTestServer({ env: { GRIDOPS_ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } });
  places = await demoPlaces(server.db.pool);
  as = await loginAll((n) => TestClient.loggedIn(server.url, n, server.demoPassword), [
    "operator",
    "commander",
    "leader1",
    "leader2",
  ] as const);
});
afterAll(async () => {
  await server?.close();
});

async function create(client: TestClient, body: Record<string, unknown>) {
  const g = places.grids[0]!;
  const res = await client.post("/api/v1/incidents", {
    category: "environment.waste",
    description: "垃圾堆放 Dumped waste",
    location: { lon: g.lon, lat: g.lat },
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("duplicates", () => {
  it("suggests same-category incidents within the radius and window, and not others", async () => {
    const g = places.grids[0]!;
    const first = await create(as.operator, {});
    const near = await create(as.operator, { location: eastOf(g.lon, g.lat, 40) });
    expect(near.duplicates.map((d: { id: number }) => d.id)).toContain(first.incident.id);
    const match = near.duplicates.find((d: { id: number }) => d.id === first.incident.id);
    expect(match.distanceM).toBeGreaterThan(35);
    expect(match.distanceM).toBeLessThan(45);

    const otherCategory = await create(as.operator, {
      category: "fire_risk",
      location: eastOf(g.lon, g.lat, 10),
    });
    expect(otherCategory.duplicates.map((d: { id: number }) => d.id)).not.toContain(first.incident.id);

    // The suggestion is kept on both incidents.
    const seen = await as.operator.get(`/api/v1/incidents/${first.incident.id}`);
    expect(seen.body.duplicates.map((d: { id: number }) => d.id)).toContain(near.incident.id);
  });

  it("does not suggest incidents outside the radius or the time window", async () => {
    const g = places.grids[0]!;
    const base = await create(as.operator, { category: "infrastructure_damage.road" });
    const far = await create(as.operator, {
      category: "infrastructure_damage.road",
      location: eastOf(g.lon, g.lat, 150),
    });
    expect(far.duplicates.map((d: { id: number }) => d.id)).not.toContain(base.incident.id);
    await server.db.pool.query(
      "UPDATE incidents SET reported_at = reported_at - interval '25 hours' WHERE id = $1",
      [base.incident.id],
    );
    const later = await create(as.operator, {
      category: "infrastructure_damage.road",
      location: eastOf(g.lon, g.lat, 5),
    });
    expect(later.duplicates.map((d: { id: number }) => d.id)).not.toContain(base.incident.id);
  });

  it("merges a duplicate: the source is voided, the target's timeline shows both", async () => {
    const g = places.grids[0]!;
    const target = await create(as.operator, { category: "traffic.congestion" });
    const source = await create(as.operator, {
      category: "traffic.congestion",
      location: eastOf(g.lon, g.lat, 20),
      description: "second caller",
    });
    const res = await as.operator.post(`/api/v1/incidents/${source.incident.id}/merge`, {
      into: target.incident.id,
      version: source.incident.version,
      note: "same jam",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.id).toBe(target.incident.id);
    const merged = await as.operator.get(`/api/v1/incidents/${source.incident.id}`);
    expect(merged.body.state).toBe("voided");
    expect(merged.body.mergedIntoId).toBe(target.incident.id);
    expect(merged.body.deadline).toBeNull();
    const timeline = await as.operator.get(`/api/v1/incidents/${target.incident.id}/timeline`);
    const entries = timeline.body.events.map(
      (e: { incidentId: number; kind: string }) => `${e.incidentId}:${e.kind}`,
    );
    expect(entries).toEqual(
      expect.arrayContaining([
        `${target.incident.id}:created`,
        `${source.incident.id}:created`,
        `${source.incident.id}:merged_into`,
        `${target.incident.id}:merged_from`,
      ]),
    );
    const again = await as.operator.post(`/api/v1/incidents/${source.incident.id}/merge`, {
      into: target.incident.id,
      version: merged.body.version,
    });
    expect(again.status).toBe(409);
    const self = await as.operator.post(`/api/v1/incidents/${target.incident.id}/merge`, {
      into: target.incident.id,
      version: 1,
    });
    expect(self.status).toBe(400);
  });
});

describe("callback", () => {
  async function closedIncident() {
    const { incident } = await create(as.operator, { category: "other" });
    let version = incident.version;
    for (const [client, action] of [
      [as.operator, "register"],
      [as.operator, "dispatch"],
      [as.leader1, "accept"],
      [as.leader1, "feed_back"],
      [as.commander, "verify"],
      [as.commander, "close"],
    ] as const) {
      const res = await client.post(`/api/v1/incidents/${incident.id}/transitions`, { action, version });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      version = res.body.version;
    }
    return incident.id as number;
  }

  it("is refused before closing, recorded once after, and shown on the incident and timeline", async () => {
    const { incident: open } = await create(as.operator, { category: "other" });
    const early = await as.operator.post(`/api/v1/incidents/${open.id}/callback`, { rating: "satisfied" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("not_closed");

    const id = await closedIncident();
    const first = await as.operator.post(`/api/v1/incidents/${id}/callback`, {
      rating: "basically_satisfied",
      note: "slow but fixed",
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.callback.rating).toBe("basically_satisfied");
    const second = await as.operator.post(`/api/v1/incidents/${id}/callback`, { rating: "unsatisfied" });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("callback_exists");
    const bad = await as.operator.post(`/api/v1/incidents/${id}/callback`, { rating: "thrilled" });
    expect(bad.status).toBe(400);
    const timeline = await as.operator.get(`/api/v1/incidents/${id}/timeline`);
    expect(timeline.body.events.at(-1).kind).toBe("callback");
    expect(timeline.body.events.at(-1).details.rating).toBe("basically_satisfied");
  });

  it("is not open to grid leaders (no incidents:register)", async () => {
    const id = await closedIncident();
    const res = await as.leader1.post(`/api/v1/incidents/${id}/callback`, { rating: "satisfied" });
    expect(res.status).toBe(403);
  });
});

describe("attachments", () => {
  const upload = (client: TestClient, name: string, bytes: Buffer, type?: string) => {
    const form = multipart(name, bytes, type);
    return client.request("POST", "/api/v1/incidents/attachments", form.body, form.headers);
  };

  it("sniffs JPEG, PNG and WebP by magic bytes only", () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe("image/jpeg");
    expect(sniffImageType(tinyPng)).toBe("image/png");
    expect(sniffImageType(Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1"))).toBeNull();
    expect(sniffImageType(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });

  it("stores a photo by content hash, links it to the timeline and serves it back in scope", async () => {
    const res = await upload(as.leader1, "photo.png", tinyPng);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [stored] = res.body.attachments;
    expect(stored.mediaType).toBe("image/png");
    expect(stored.sizeBytes).toBe(tinyPng.length);
    const again = await upload(as.leader1, "same.png", tinyPng);
    expect(again.body.attachments[0].sha256).toBe(stored.sha256);

    const { incident } = await create(as.leader1, { attachments: [stored.sha256] });
    const photo = await fetch(`${server.url}/api/v1/incidents/${incident.id}/attachments/${stored.sha256}`, {
      headers: { cookie: cookieOf(as.leader1) },
    });
    expect(photo.status).toBe(200);
    expect(photo.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await photo.arrayBuffer()).equals(tinyPng)).toBe(true);
    const other = await as.leader2.get(`/api/v1/incidents/${incident.id}/attachments/${stored.sha256}`);
    expect(other.status).toBe(404);
    const timeline = await as.leader1.get(`/api/v1/incidents/${incident.id}/timeline`);
    expect(timeline.body.events[0].attachments).toEqual([
      { sha256: stored.sha256, mediaType: "image/png", sizeBytes: tinyPng.length },
    ]);
  });

  it("refuses a file that is not an image whatever its name and declared type (415)", async () => {
    const res = await upload(as.leader1, "photo.jpg", Buffer.from("MZ\x90\x00 not a picture"), "image/jpeg");
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_attachment_type");
  });

  it("refuses a file over the size cap (413) and a non-multipart upload (415)", async () => {
    const big = Buffer.concat([tinyPng, Buffer.alloc(MAX_BYTES)]);
    const res = await upload(as.leader1, "big.png", big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("attachment_too_large");
    const json = await as.leader1.post("/api/v1/incidents/attachments", { file: "x" });
    expect(json.status).toBe(415);
  });

  it("refuses an incident naming an attachment that was never uploaded, creating nothing", async () => {
    const before = await server.db.pool.query("SELECT count(*)::int AS n FROM incidents");
    const g = places.grids[0]!;
    const res = await as.leader1.post("/api/v1/incidents", {
      category: "other",
      description: "x",
      location: { lon: g.lon, lat: g.lat },
      attachments: ["0".repeat(64)],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("unknown_attachment");
    const after = await server.db.pool.query("SELECT count(*)::int AS n FROM incidents");
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

/** TestClient reads bodies as text; binary downloads go through fetch with its cookies. */
function cookieOf(client: TestClient): string {
  const jar = (client as unknown as { cookies: Map<string, string> }).cookies;
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
