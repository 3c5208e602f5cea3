import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { testPg } from "../test-support/test-db.js";
import { type EmbeddedPostgres, EmbeddedPostgresError, readPostmasterPid, startEmbeddedPostgres } from "./embedded-postgres.js";

const binDir = "/usr/lib/postgresql/15/bin";
const systemUser = "gridops-pg";
const started: EmbeddedPostgres[] = [];

async function start(dataDir: string) {
  const instance = await startEmbeddedPostgres({ dataDir, binDir, systemUser });
  started.push(instance);
  return instance;
}

async function query(instance: EmbeddedPostgres, sql: string) {
  const client = new pg.Client({ connectionString: instance.connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const instance of started) await instance.stop();
});

describe("embedded PostgreSQL launcher", () => {
  const dir = () => path.join(testPg().root, `launcher-${started.length}-${Date.now()}`);

  it("initialises a fresh folder, has PostGIS available, and reuses the cluster after a restart", async () => {
    const dataDir = dir();
    const first = await start(dataDir);
    await query(first, "CREATE EXTENSION postgis; CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
    expect((await query(first, "SELECT postgis_version() AS v"))[0].v).toMatch(/^3\./);
    expect(await fs.readFile(path.join(dataDir, "PG_VERSION"), "utf8")).toMatch(/^15/);
    await first.stop();
    const second = await start(dataDir);
    expect(await query(second, "SELECT v FROM kept")).toEqual([{ v: 42 }]);
    await second.stop();
  });

  it("refuses a folder another running PostgreSQL owns, then recovers a stale pid after a crash", async () => {
    const dataDir = dir();
    const owner = await start(dataDir);
    await expect(startEmbeddedPostgres({ dataDir, binDir, systemUser })).rejects.toMatchObject({ code: "in_use" });
    // Crash: kill the postmaster hard so postmaster.pid is left behind.
    const pid = (await readPostmasterPid(dataDir))!;
    process.kill(pid, "SIGKILL");
    await waitUntil(async () => !(await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).length);
    // Children of the killed postmaster exit once they notice; wait for the shared memory to go.
    await waitUntil(async () => {
      const out = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
      return !out.includes(dataDir);
    });
    expect(await readPostmasterPid(dataDir)).toBe(pid);
    void owner;
    const revived = await start(dataDir);
    expect(await query(revived, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await revived.stop();
  });

  it("refuses a non-empty folder that is not a cluster, and changes nothing in it", async () => {
    const dataDir = dir();
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, "notes.txt"), "mine");
    const error = await startEmbeddedPostgres({ dataDir, binDir, systemUser }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    expect(error).toMatchObject({ code: "corrupt_data_dir" });
    expect((error as Error).message).toContain("GRIDOPS_PG_DIR");
    expect(await fs.readdir(dataDir)).toEqual(["notes.txt"]);
  });

  it("names the fix when the binaries are missing", async () => {
    await expect(
      startEmbeddedPostgres({ dataDir: dir(), binDir: "/nonexistent/bin", systemUser }),
    ).rejects.toMatchObject({ code: "binaries_missing", message: expect.stringContaining("apt-get install") });
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not met in time");
}
