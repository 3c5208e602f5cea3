import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverRoot } from "./package-root.js";
import { createTestDatabase, type TestDatabase, testPg } from "./test-support/test-db.js";

/** Runs the real CLI entry point (TypeScript through tsx) with a clean environment. */
function gridops(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--conditions=development", "--import", "tsx", path.join(serverRoot, "src", "main.ts"), ...args],
      { env: { PATH: process.env.PATH ?? "", GRIDOPS_LOG_LEVEL: "error", ...env }, cwd: serverRoot },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let db: TestDatabase;
let scratch: string;
beforeAll(async () => {
  db = await createTestDatabase();
  scratch = path.join(testPg().root, `cli-${Date.now()}`);
  await fs.mkdir(scratch);
});
afterAll(() => db.drop());

describe("gridops CLI", () => {
  it("migrate with DATABASE_URL uses that server and never starts its own", async () => {
    const dataDir = path.join(scratch, "data");
    const res = await gridops(["migrate"], { DATABASE_URL: db.connectionString, GRIDOPS_DATA_DIR: dataDir });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Schema version \d+/);
    await expect(fs.stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("demo-data loads the district and is idempotent", async () => {
    const first = await gridops(["demo-data"], { DATABASE_URL: db.connectionString });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Demo district loaded: [1-9]\d* cells/);
    const second = await gridops(["demo-data"], { DATABASE_URL: db.connectionString });
    expect(second.stdout).toContain("Demo district loaded: 0 cells, 0 checkpoints, 0 cameras changed.");
  });

  it("rejects invalid configuration with one line per problem naming the variable", async () => {
    const res = await gridops(["serve"], { PORT: "eighty", DATABASE_URL: "mysql://x", GRIDOPS_LOG_LEVEL: "loud" });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("PORT=\"eighty\"");
    expect(res.stderr).toContain("DATABASE_URL=\"mysql://x\": must start with postgres://");
    expect(res.stderr).toContain("GRIDOPS_LOG_LEVEL");
  });

  it("names the problem when DATABASE_URL is unreachable, without printing the password", async () => {
    const port = await closedPort();
    const res = await gridops(["migrate"], { DATABASE_URL: `postgresql://u:sekret@127.0.0.1:${port}/x` });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`Cannot reach the database at 127\\.0\\.0\\.1:${port}/x.*DATABASE_URL`));
    expect(res.stderr).not.toContain("sekret");
  });

  it("refuses an occupied port with a clear message", async () => {
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as net.AddressInfo).port;
    const res = await gridops(["serve"], {
      DATABASE_URL: db.connectionString,
      PORT: String(port),
      HOST: "127.0.0.1",
      GRIDOPS_SECRET_KEY: "ab".repeat(32),
    });
    blocker.close();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Port ${port} is already in use`);
  });

  it("reports missing PostGIS permission/extension as a clear error and applies nothing", async () => {
    const fresh = await createTestDatabase();
    await fresh.pool.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP EXTENSION IF EXISTS postgis");
    await fresh.pool.query("DROP ROLE IF EXISTS nopriv; CREATE ROLE nopriv LOGIN");
    await fresh.pool.query(`GRANT ALL ON SCHEMA public TO nopriv; GRANT CREATE ON DATABASE ${fresh.name} TO nopriv`);
    const url = fresh.connectionString.replace(/^postgresql:\/\/[^@]+@/, "postgresql://nopriv@");
    const res = await gridops(["migrate"], { DATABASE_URL: url });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PostGIS is not available/);
    const { rows } = await fresh.pool.query("SELECT count(*)::int AS n FROM gridops_migrations");
    expect(rows[0].n).toBe(0);
    await fresh.drop();
  });

  it("audit verify reports an intact chain", async () => {
    const res = await gridops(["audit", "verify"], { DATABASE_URL: db.connectionString });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Audit log intact: \d+ rows verified/);
  });

  it("serve refuses to run without a secret key outside demo mode, naming how to provide one", async () => {
    const res = await gridops(["serve"], { DATABASE_URL: db.connectionString, GRIDOPS_DATA_DIR: path.join(scratch, "nokey") });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No secret key: set GRIDOPS_SECRET_KEY/);
  });

  it("demo with the embedded database serves, and SIGTERM stops the server and the cluster", async () => {
    const dataDir = path.join(scratch, "embedded");
    const child = spawn(
      process.execPath,
      ["--conditions=development", "--import", "tsx", path.join(serverRoot, "src", "main.ts"), "demo"],
      { env: { PATH: process.env.PATH ?? "", GRIDOPS_LOG_LEVEL: "error", GRIDOPS_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" }, cwd: serverRoot },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 90_000);
      child.on("close", () => reject(new Error(`demo exited: ${out}`)));
      child.stdout.on("data", () => {
        const m = /running at (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", database: { reachable: true } });
    expect(out).toContain("commander (commander)");
    const pidFile = path.join(dataDir, "pg", "postmaster.pid");
    await fs.stat(pidFile);
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fs.stat(pidFile)).rejects.toMatchObject({ code: "ENOENT" });
  }, 120_000);

  it("exits 2 on an unknown command", async () => {
    const res = await gridops(["frobnicate"], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown command "frobnicate"');
  });
});

async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
