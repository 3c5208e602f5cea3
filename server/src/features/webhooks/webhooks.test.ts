import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import nodePath from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { demoPlaces } from "../incidents/test-fixtures.js";
import { decryptSecret, keyringOf, readKeyFile, writeKeyFile } from "../secrets/keyring.js";
import { rotateKey } from "../secrets/rotate-key.js";
import { retryDelayMs, WebhookDispatcher } from "./webhook-dispatcher.js";
import { sendWebhook } from "./webhook-sender.js";
import { signatureHeader, verifyWebhookSignature } from "./webhook-signature.js";
import { blockedReason } from "./webhook-url-guard.js";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

let server: TestServer;
let admin: TestClient;
let commander: TestClient;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
const flakyCalls = new Map<string, number>();
let dispatcher: WebhookDispatcher;
let places: Awaited<ReturnType<typeof demoPlaces>>;

const TIMEOUT_MS = 400;
const BASE_DELAY_MS = 120;

beforeAll(async () => {
  server = await startTestServer({ env: { GRIDOPS_WEBHOOK_ALLOW_LOOPBACK: "true" } });
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  commander = await TestClient.loggedIn(server.url, "commander", server.demoPassword);
  places = await demoPlaces(server.db.pool);
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
      });
      if (path.startsWith("/hang")) return; // never answers
      if (path.startsWith("/fail")) return void res.writeHead(500).end("boom");
      if (path.startsWith("/flaky")) {
        const n = (flakyCalls.get(path) ?? 0) + 1;
        flakyCalls.set(path, n);
        return void res.writeHead(n <= 2 ? 503 : 200).end(n <= 2 ? "busy" : "ok");
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  dispatcher = new WebhookDispatcher(
    { pool: server.db.pool, keyring: server.server.deps.keyring, log: createLogger("silent") },
    {
      allowLoopback: true,
      timeoutMs: TIMEOUT_MS,
      baseDelayMs: BASE_DELAY_MS,
      maxDelayMs: 5000,
      pollIntervalMs: 25,
      disableAfterFailures: 4,
      maxAttempts: 6,
      random: () => 0.5,
    },
  );
  dispatcher.start();
});
afterAll(async () => {
  await dispatcher?.stop();
  receiver?.closeAllConnections();
  receiver?.close();
  await server?.close();
});

async function until<T>(probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscribe(path: string, cellCodes: string[], extra: Record<string, unknown> = {}) {
  const res = await admin.post("/api/v1/webhooks", {
    name: `hook ${path}`,
    url: `${receiverUrl}${path}`,
    topics: ["incident.created"],
    cellCodes,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.subscription.id as number, secret: res.body.secret as string };
}

async function reportIncident(grid: { lon: number; lat: number }, description: string): Promise<number> {
  const res = await commander.post("/api/v1/incidents", {
    category: "environment.waste",
    location: { lon: grid.lon, lat: grid.lat },
    description,
  });
  expect(res.status).toBe(201);
  return res.body.incident.id;
}

const district = async () =>
  (await server.db.pool.query<{ code: string }>("SELECT code FROM cells WHERE level = 'district'")).rows[0]!
    .code;

async function deliveries(id: number) {
  const res = await admin.get(`/api/v1/webhooks/${id}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.deliveries as {
    state: string;
    attempts: number;
    log: { outcome: string; startedAt: string; durationMs: number; status: number | null }[];
  }[];
}

describe("webhook subscriptions (admin)", () => {
  it("creates, lists without secrets, encrypts the secret at rest and audits", async () => {
    const { id, secret } = await subscribe("/ok-admin", [await district()]);
    expect(secret).toMatch(/^whsec_/);
    const list = await admin.get("/api/v1/webhooks");
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const { rows } = await server.db.pool.query<{ secret_enc: string }>(
      "SELECT secret_enc FROM webhook_subscriptions WHERE id = $1",
      [id],
    );
    expect(rows[0]!.secret_enc).not.toContain(secret);
    expect(decryptSecret(server.server.deps.keyring, rows[0]!.secret_enc)).toBe(secret);
    const rotated = await admin.patch(`/api/v1/webhooks/${id}`, { rotateSecret: true, name: "renamed" });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    expect(rotated.body.subscription.name).toBe("renamed");
    const { rows: audit } = await server.db.pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_type = 'webhook_subscription' AND target_id = $1 ORDER BY id",
      [String(id)],
    );
    expect(audit.map((a) => a.action)).toEqual(["webhook.create", "webhook.update"]);
    expect((await admin.delete(`/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await commander.get("/api/v1/webhooks")).status).toBe(403);
  });

  it("gridops rotate-key re-encrypts webhook secrets", async () => {
    const { id, secret } = await subscribe("/ok-rotate", [await district()]);
    const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), "gridops-webhook-key-"));
    const keyFile = nodePath.join(dir, "secret.key");
    try {
      await writeKeyFile(keyFile, [...server.server.deps.keyring.keys.values()]);
      const before = (
        await server.db.pool.query<{ s: string }>(
          "SELECT secret_enc s FROM webhook_subscriptions WHERE id = $1",
          [id],
        )
      ).rows[0]!.s;
      await rotateKey(server.db.pool, keyFile);
      const after = (
        await server.db.pool.query<{ s: string }>(
          "SELECT secret_enc s FROM webhook_subscriptions WHERE id = $1",
          [id],
        )
      ).rows[0]!.s;
      const rotated = keyringOf(await readKeyFile(keyFile));
      expect(after.split(":")[1]).toBe(rotated.currentId);
      expect(before.split(":")[1]).not.toBe(rotated.currentId);
      expect(decryptSecret(rotated, after)).toBe(secret);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      await admin.delete(`/api/v1/webhooks/${id}`);
    }
  });

  it("refuses non-http URLs, metadata and link-local addresses, and unknown cells", async () => {
    const cell = await district();
    const cases: [string, string][] = [
      ["ftp://example.org/hook", "webhook_bad_url"],
      ["http://169.254.169.254/latest/meta-data", "webhook_blocked_address"],
      ["http://[fe80::1]/hook", "webhook_blocked_address"],
      ["http://[::ffff:169.254.169.254]/hook", "webhook_blocked_address"],
      ["http://100.100.100.200/latest", "webhook_blocked_address"],
      ["http://user:pw@example.org/hook", "webhook_bad_url"],
    ];
    for (const [url, code] of cases) {
      const res = await admin.post("/api/v1/webhooks", {
        name: "x",
        url,
        topics: ["incident.created"],
        cellCodes: [cell],
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code, url).toBe(code);
    }
    const unknownCell = await admin.post("/api/v1/webhooks", {
      name: "x",
      url: `${receiverUrl}/ok`,
      topics: ["incident.created"],
      cellCodes: ["999"],
    });
    expect(unknownCell.body.error.code).toBe("unknown_cell");
  });

  it("allows loopback only when configured, also when a hostname resolves to it", async () => {
    expect(blockedReason("127.0.0.1", false)).toMatch(/loopback/);
    expect(blockedReason("127.0.0.1", true)).toBeNull();
    expect(blockedReason("10.1.2.3", false)).toBeNull();
    const port = (receiver.address() as AddressInfo).port;
    const byIp = await sendWebhook(
      `http://127.0.0.1:${port}/ok`,
      "{}",
      {},
      { timeoutMs: 1000, allowLoopback: false },
    );
    expect(byIp.outcome).toBe("refused");
    const byName = await sendWebhook(
      `http://localhost:${port}/ok`,
      "{}",
      {},
      { timeoutMs: 1000, allowLoopback: false },
    );
    expect(byName.outcome).toBe("refused");
    const allowed = await sendWebhook(
      `http://localhost:${port}/ok`,
      "{}",
      {},
      { timeoutMs: 1000, allowLoopback: true },
    );
    expect(allowed).toMatchObject({ outcome: "delivered", status: 204 });
  });
});

describe("webhook delivery", () => {
  it("delivers incident events of the subscribed cells with a verifiable signature", async () => {
    const [mine, other] = places.grids as [(typeof places.grids)[0], (typeof places.grids)[0]];
    const { id, secret } = await subscribe("/ok-signed", [mine.code]);
    const outside = await reportIncident(other, "outside the subscribed cell");
    const inside = await reportIncident(mine, "inside the subscribed cell");
    const hit = await until(async () => received.find((r) => r.path === "/ok-signed"));
    const body = JSON.parse(hit.body);
    expect(body).toMatchObject({
      topic: "incident.created",
      data: { incident: { id: inside, cellCode: mine.code } },
    });
    expect(body.seq).toBeGreaterThan(0);
    expect(hit.headers["x-gridops-event"]).toBe("incident.created");
    const header = hit.headers["x-gridops-signature"] as string;
    expect(verifyWebhookSignature(secret, header, hit.body)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, header, hit.body.replace("inside", "INSIDE"))).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(verifyWebhookSignature("whsec_wrong", header, hit.body)).toEqual({
      ok: false,
      reason: "mismatch",
    });
    const old = signatureHeader(secret, Math.floor(Date.now() / 1000) - 3600, hit.body);
    expect(verifyWebhookSignature(secret, old, hit.body)).toEqual({ ok: false, reason: "stale" });
    await until(async () => (await deliveries(id))[0]?.state === "delivered");
    const log = await deliveries(id);
    expect(log).toHaveLength(1);
    // Give a delivery of the other cell's incident time to show up if fan-out wrongly matched it.
    await new Promise((r) => setTimeout(r, 200));
    const ids = received
      .filter((r) => r.path === "/ok-signed")
      .map((r) => JSON.parse(r.body).data.incident.id);
    expect(ids).toEqual([inside]);
    expect(outside).not.toBe(inside);
  });

  it("retries a 5xx with exponential back-off until it succeeds", async () => {
    const grid = places.grids[0]!;
    const { id } = await subscribe("/flaky-1", [grid.code]);
    await reportIncident(grid, "retried");
    await until(async () => (await deliveries(id))[0]?.state === "delivered");
    const [d] = await deliveries(id);
    expect(d!.log.map((a) => a.outcome)).toEqual(["http_error", "http_error", "delivered"]);
    expect(d!.log.map((a) => a.status)).toEqual([503, 503, 200]);
    const starts = d!.log.map((a) => Date.parse(a.startedAt));
    // random() = 0.5 → ¾ of base·2^(n-1): 90 ms, then 180 ms.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(
      retryDelayMs(1, { baseDelayMs: BASE_DELAY_MS, maxDelayMs: 5000, random: () => 0.5 }) - 5,
    );
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(
      retryDelayMs(2, { baseDelayMs: BASE_DELAY_MS, maxDelayMs: 5000, random: () => 0.5 }) - 5,
    );
    expect(starts[2]! - starts[1]!).toBeGreaterThan(starts[1]! - starts[0]!);
  });

  it("back-off doubles, is capped, and jitters between half and all of the delay", () => {
    const o = { baseDelayMs: 1000, maxDelayMs: 10_000 };
    expect(retryDelayMs(1, { ...o, random: () => 0 })).toBe(500);
    expect(retryDelayMs(1, { ...o, random: () => 1 })).toBe(1000);
    expect(retryDelayMs(3, { ...o, random: () => 1 })).toBe(4000);
    expect(retryDelayMs(10, { ...o, random: () => 1 })).toBe(10_000);
  });

  it("cuts off a hanging endpoint at the timeout without holding up other subscriptions", async () => {
    const grid = places.grids[1]!;
    const hang = await subscribe("/hang-1", [grid.code]);
    const ok = await subscribe("/ok-beside-hang", [grid.code]);
    const sent = performance.now();
    await reportIncident(grid, "one hangs, one answers");
    const okHit = await until(async () => received.find((r) => r.path === "/ok-beside-hang"));
    const hangHit = await until(async () => received.find((r) => r.path === "/hang-1"));
    expect(okHit.at - sent).toBeLessThan(TIMEOUT_MS * 4);
    const first = await until(async () => (await deliveries(hang.id))[0]?.log[0]);
    expect(first.outcome).toBe("timeout");
    expect(first.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(first.durationMs).toBeLessThan(TIMEOUT_MS + 1500);
    expect(hangHit).toBeDefined();
    expect((await deliveries(ok.id))[0]!.state).toBe("delivered");
    await admin.patch(`/api/v1/webhooks/${hang.id}`, { enabled: false });
  });

  it("disables a subscription after repeated failures, audited, and re-enabling clears the streak", async () => {
    const grid = places.grids[2] ?? places.grids[0]!;
    const { id } = await subscribe("/fail-1", [grid.code]);
    await reportIncident(grid, "always fails");
    const sub = await until(async () => {
      const res = await admin.get(`/api/v1/webhooks/${id}`);
      return res.body.enabled === false ? res.body : null;
    });
    expect(sub.consecutiveFailures).toBe(4);
    expect(sub.disabledReason).toMatch(/4 consecutive failed attempts/);
    const { rows } = await server.db.pool.query<{ actor: string; details: { consecutiveFailures: number } }>(
      "SELECT actor, details FROM audit_log WHERE action = 'webhook.disable' AND target_id = $1",
      [String(id)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: "system:webhooks", details: { consecutiveFailures: 4 } });
    const attemptsAtDisable = received.filter((r) => r.path === "/fail-1").length;
    await new Promise((r) => setTimeout(r, 600));
    expect(received.filter((r) => r.path === "/fail-1").length).toBe(attemptsAtDisable);
    const enabled = await admin.patch(`/api/v1/webhooks/${id}`, { enabled: true });
    expect(enabled.body.subscription).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      disabledReason: null,
    });
    await admin.patch(`/api/v1/webhooks/${id}`, { enabled: false });
  });
});
