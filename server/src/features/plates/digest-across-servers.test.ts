import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { createPool } from "../../db/pool.js";
import { createLogger } from "../../logger.js";
import { depsOf, type RunningServer, startHttpServer } from "../../runtime.js";
import { TestClient } from "../../test-support/http-client.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { DEMO_PASSWORD } from "../../test-support/test-pg-info.js";
import { type Keyring, keyringOf } from "../secrets/keyring.js";
import { DIGEST_NONCE_TTL_MS, DIGEST_REALM, DigestNonces } from "./device-auth.js";

/**
 * Two server instances (own pool, own app, own plate runtime: nothing shared in memory) on one
 * database and one keyring, as behind a load balancer without sticky routing (decision 0107).
 */
let db: TestDatabase;
let keyring: Keyring;
let first: RunningServer;
let second: RunningServer;
const PATH = "/api/v1/ingest/plates/generic";
const USER = "cam-two-servers";
const PASSWORD = "staple battery horse";

async function startInstance(ring: Keyring): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: db.connectionString,
    GRIDOPS_LOG_LEVEL: process.env.GRIDOPS_TEST_LOG_LEVEL ?? "silent",
  });
  const pool = createPool(db.connectionString, 5);
  return startHttpServer(depsOf(config, pool, createLogger(config.logLevel), ring));
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  keyring = keyringOf([randomBytes(32)]);
  first = await startInstance(keyring);
  second = await startInstance(keyring);
  const admin = await TestClient.loggedIn(first.url, "admin", DEMO_PASSWORD);
  const credential = await admin.post("/api/v1/plates/device-credentials", {
    username: USER,
    password: PASSWORD,
  });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  const { rows } = await db.pool.query<{ id: string }>(
    "SELECT id FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
  );
  const device = await admin.post("/api/v1/plates/devices", {
    deviceId: "two-servers-cam",
    cameraId: rows[0]!.id,
    credentialId: credential.body.id,
  });
  expect(device.status, JSON.stringify(device.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const s of [first, second]) {
    await s?.close();
    await s?.deps.pool.end();
  }
  await db?.drop();
});

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
let plateNo = 10;
const body = () =>
  JSON.stringify({
    plate: `粤B5${String(plateNo++).padStart(4, "0")}`,
    capturedAt: new Date(Date.now() - 1000).toISOString(),
    deviceId: "two-servers-cam",
  });

/** The Authorization header a camera computes for a SHA-256 challenge (RFC 7616, qop=auth). */
function digestHeader(nonce: string, nc: string, password = PASSWORD): string {
  const ha1 = sha256(`${USER}:${DIGEST_REALM}:${password}`);
  const ha2 = sha256(`POST:${PATH}`);
  const response = sha256(`${ha1}:${nonce}:${nc}:c0ffee:auth:${ha2}`);
  return `Digest username="${USER}", realm="${DIGEST_REALM}", nonce="${nonce}", uri="${PATH}", algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="c0ffee", response="${response}"`;
}

function post(server: RunningServer, authorization?: string) {
  return fetch(server.url + PATH, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: body(),
  });
}

async function challengeFrom(server: RunningServer): Promise<string> {
  const res = await post(server);
  expect(res.status).toBe(401);
  return /algorithm=SHA-256, nonce="([^"]+)"/.exec(res.headers.get("www-authenticate") ?? "")![1]!;
}

describe("Digest nonces are valid across server processes", () => {
  it("one instance issues the challenge, the other accepts the response; counts go on on either", async () => {
    const nonce = await challengeFrom(first);
    const accepted = await post(second, digestHeader(nonce, "00000001"));
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    expect(((await accepted.json()) as { stored: number }).stored).toBe(1);
    const back = await post(first, digestHeader(nonce, "00000002"));
    expect(back.status).toBe(200);
    // Replay of a count already used on this instance is refused (counts are per process).
    const replayed = await post(second, digestHeader(nonce, "00000001"));
    expect(replayed.status).toBe(401);
  });

  it("a wrong password is refused on the other instance too", async () => {
    const nonce = await challengeFrom(first);
    const res = await post(second, digestHeader(nonce, "00000001", "wrong password"));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).not.toContain("stale=true");
  });

  it("an expired nonce gets 401 with stale=true and a fresh nonce that works", async () => {
    const old = new DigestNonces(keyring).issue(Date.now() - DIGEST_NONCE_TTL_MS - 1000);
    const res = await post(second, digestHeader(old, "00000001"));
    expect(res.status).toBe(401);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain("stale=true");
    const fresh = /algorithm=SHA-256, nonce="([^"]+)"/.exec(challenge)![1]!;
    expect((await post(first, digestHeader(fresh, "00000001"))).status).toBe(200);
  });

  it("a nonce signed with another keyring, or tampered with, is unknown (no stale)", async () => {
    const foreign = new DigestNonces(keyringOf([randomBytes(32)])).issue();
    const res = await post(second, digestHeader(foreign, "00000001"));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).not.toContain("stale=true");
    const nonce = await challengeFrom(first);
    const tampered = `${(Number.parseInt(nonce.split(".")[0]!, 36) + 1).toString(36)}.${nonce.split(".").slice(1).join(".")}`;
    expect((await post(second, digestHeader(tampered, "00000001"))).status).toBe(401);
  });

  it("after a key rotation (new current key, old key kept) nonces issued under the old key still work", async () => {
    const nonce = await challengeFrom(first);
    const rotated = keyringOf([randomBytes(32), ...keyring.keys.values()]);
    const third = await startInstance(rotated);
    try {
      expect((await post(third, digestHeader(nonce, "00000001"))).status).toBe(200);
      const newer = await challengeFrom(third);
      // An instance still on the old keyring does not know the new key.
      expect((await post(first, digestHeader(newer, "00000001"))).status).toBe(401);
    } finally {
      await third.close();
      await third.deps.pool.end();
    }
  });
});
