import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { verifyAuditChain } from "../audit/audit.service.js";

let server: TestServer;
const pw = () => server.demoPassword;

beforeAll(async () => {
  server = await startTestServer({
    authSettings: { maxAccountFailures: 3, maxIpFailures: 1000, lockoutWindowSeconds: 2 },
  });
});
afterAll(() => server?.close());

const auditActions = async (actor: string) =>
  (
    await server.db.pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE actor = $1 ORDER BY id",
      [actor],
    )
  ).rows.map((r) => r.action);

describe("login, sessions, CSRF", () => {
  it("logs in, reports me with roles/permissions/cells, sets hardened cookies, logs out", async () => {
    const client = new TestClient(server.url);
    const res = await client.post("/api/v1/auth/login", { username: "commander", password: pw() });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(["commander"]);
    expect(res.body.permissions).toContain("incidents:dispatch");
    expect(res.body.permissions).not.toContain("plates:search");
    const cookies = res.headers.getSetCookie().join("\n");
    expect(cookies).toMatch(/gridops_session=[^;]+;.*HttpOnly/i);
    expect(cookies).toMatch(/SameSite=Lax/i);
    expect(cookies).not.toMatch(/gridops_csrf=[^;]+;[^\n]*HttpOnly/i);
    expect((await client.get("/api/v1/auth/me")).body.user.username).toBe("commander");
    expect((await client.post("/api/v1/auth/logout")).status).toBe(204);
    expect((await client.get("/api/v1/auth/me")).status).toBe(401);
    expect(await auditActions("commander")).toEqual(expect.arrayContaining(["auth.login", "auth.logout"]));
  });

  it("rejects a cookie-authenticated write without the CSRF header", async () => {
    const client = await TestClient.loggedIn(server.url, "commander", pw());
    const res = await client.post("/api/v1/auth/logout", undefined, { "x-csrf-token": "wrong" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("csrf_failed");
    expect((await client.get("/api/v1/auth/me")).status).toBe(200);
  });

  it("locks an account after repeated failures, with a clear message, and unlocks after the window", async () => {
    const client = new TestClient(server.url);
    for (let i = 0; i < 3; i++) {
      const res = await client.post("/api/v1/auth/login", {
        username: "operator",
        password: "wrong-password",
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("invalid_credentials");
    }
    const locked = await client.post("/api/v1/auth/login", { username: "operator", password: pw() });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({
      code: "locked_out",
      details: { retryAfterSeconds: expect.any(Number) },
    });
    await new Promise((r) => setTimeout(r, 2200));
    expect((await client.post("/api/v1/auth/login", { username: "operator", password: pw() })).status).toBe(
      200,
    );
    expect(await auditActions("operator")).toEqual(
      expect.arrayContaining(["auth.login_failed", "auth.login_locked", "auth.login"]),
    );
  });

  it("answers unknown users and wrong passwords the same way, in comparable time", async () => {
    const client = new TestClient(server.url);
    const time = async (username: string) => {
      const t = performance.now();
      const res = await client.post("/api/v1/auth/login", { username, password: "not-the-password" });
      return { ms: performance.now() - t, body: res.body, status: res.status };
    };
    await time("nobody-warmup"); // warm up the argon2 dummy hash
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A different existing account each time, so none reaches the lockout threshold.
      const u = await time(`nobody${i}`);
      const w = await time(["viewer", "tech1", "analyst1", "leader2", "leader3"][i]!);
      expect(u.status).toBe(w.status);
      expect(u.body).toEqual(w.body);
      unknown.push(u.ms);
      wrong.push(w.ms);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(wrong);
    // Without the dummy hash an unknown user answers ~50x faster (no argon2 work); a wide band
    // still catches that while tolerating a loaded machine.
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it("revokes sessions when an admin changes a user's roles and when a password changes", async () => {
    const admin = await TestClient.loggedIn(server.url, "admin", pw());
    const users = (await admin.get("/api/v1/users")).body.users as { id: number; username: string }[];
    const worker = users.find((u) => u.username === "worker1")!;
    const workerSession = await TestClient.loggedIn(server.url, "worker1", pw());
    const changed = await admin.patch(`/api/v1/users/${worker.id}`, { roles: ["grid_worker", "viewer"] });
    expect(changed.status).toBe(200);
    expect((await workerSession.get("/api/v1/auth/me")).status).toBe(401);

    const again = await TestClient.loggedIn(server.url, "worker1", pw());
    const other = await TestClient.loggedIn(server.url, "worker1", pw());
    expect(
      (
        await again.post("/api/v1/auth/password", {
          currentPassword: pw(),
          newPassword: "a-new-long-password",
        })
      ).status,
    ).toBe(204);
    expect((await other.get("/api/v1/auth/me")).status).toBe(401);
    await TestClient.loggedIn(server.url, "worker1", "a-new-long-password");
    expect(await auditActions("admin")).toContain("user.update");
  });
});

describe("API tokens", () => {
  it("are shown once, scoped to permissions and cells, expire and can be revoked", async () => {
    const admin = await TestClient.loggedIn(server.url, "admin", pw());
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1",
    );
    const grid = rows[0]!.code;
    const created = await admin.post("/api/v1/tokens", {
      name: "camera-feed",
      permissions: ["cameras:read"],
      cellCodes: [grid],
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^gto_\d+_/);
    const listed = await admin.get("/api/v1/tokens");
    expect(JSON.stringify(listed.body)).not.toContain(token.split("_")[2]);
    const bearer = { authorization: `Bearer ${token}` };
    const anon = new TestClient(server.url);
    const cams = await anon.get("/api/v1/cameras", bearer);
    expect(cams.status).toBe(200);
    expect(cams.body.features.length).toBeGreaterThan(0);
    expect(
      cams.body.features.every((f: { properties: { cell_code: string } }) => f.properties.cell_code === grid),
    ).toBe(true);
    expect((await anon.get("/api/v1/cells", bearer)).status).toBe(403);
    expect((await anon.get("/api/v1/auth/me", bearer)).body.user.username).toBe(
      `token:${created.body.id}:camera-feed`,
    );
    const revoked = await admin.delete(`/api/v1/tokens/${created.body.id}`);
    expect(revoked.status).toBe(204);
    const after = await anon.get("/api/v1/cameras", bearer);
    expect(after.status).toBe(401);

    const shortLived = await admin.post("/api/v1/tokens", {
      name: "short",
      permissions: ["cameras:read"],
      cellCodes: [grid],
      expiresAt: new Date(Date.now() + 1000).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 1200));
    expect(
      (await anon.get("/api/v1/cameras", { authorization: `Bearer ${shortLived.body.token}` })).status,
    ).toBe(401);
    expect(await auditActions("admin")).toEqual(expect.arrayContaining(["token.create", "token.revoke"]));

    // An admin holds no plate search permission, so cannot mint a token that has it.
    const escalation = await admin.post("/api/v1/tokens", {
      name: "sneaky",
      permissions: ["plates:search"],
      cellCodes: [grid],
    });
    expect(escalation.status).toBe(403);
    expect(escalation.body.error).toMatchObject({
      code: "permission_not_held",
      details: { permissions: ["plates:search"] },
    });
    const { rows: count } = await server.db.pool.query(
      "SELECT count(*)::int AS n FROM api_tokens WHERE name = 'sneaky'",
    );
    expect(count[0].n).toBe(0);
  });
});

describe("audit log", () => {
  it("cannot be changed or deleted by the application, and direct edits are detected by verify", async () => {
    await expect(server.db.pool.query("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
    await expect(server.db.pool.query("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
    await expect(server.db.pool.query("TRUNCATE audit_log")).rejects.toThrow(/append-only/);
    const before = await verifyAuditChain(server.db.pool);
    expect(before.ok).toBe(true);
    expect(before.checked).toBeGreaterThan(5);
    const { rows } = await server.db.pool.query<{ id: number }>(
      "SELECT id FROM audit_log ORDER BY id OFFSET 3 LIMIT 1",
    );
    const target = rows[0]!.id;
    const client = await server.db.pool.connect();
    try {
      await client.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update");
      await client.query("UPDATE audit_log SET actor = 'mallory' WHERE id = $1", [target]);
      await client.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update");
    } finally {
      client.release();
    }
    const after = await verifyAuditChain(server.db.pool);
    expect(after).toMatchObject({ ok: false, firstBroken: { id: target } });
  });

  it("lists with filters and exports CSV, auditing the export", async () => {
    const admin = await TestClient.loggedIn(server.url, "admin", pw());
    const list = await admin.get("/api/v1/audit?action=auth.login&limit=5");
    expect(list.status).toBe(200);
    expect(list.body.entries.length).toBeGreaterThan(0);
    expect(list.body.entries.every((e: { action: string }) => e.action === "auth.login")).toBe(true);
    const csv = await admin.get("/api/v1/audit/export.csv?actor=commander");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.text.split("\r\n")[0]).toContain("id,occurred_at,actor,action");
    expect(await auditActions("admin")).toContain("audit.export");
    const commander = await TestClient.loggedIn(server.url, "commander", pw());
    expect((await commander.get("/api/v1/audit")).status).toBe(403);
  });
});
