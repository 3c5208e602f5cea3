import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testPg } from "../test-support/test-db.js";
import { MigrationError, migrate, migrationsDir, readMigrationFiles } from "./migrate.js";

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("DROP TABLE gridops_migrations");
  dir = path.join(testPg().root, `migrations-${Date.now()}`);
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, "001_first.sql"), "CREATE TABLE m_first (id int);");
  await fs.writeFile(path.join(dir, "002_second.sql"), "INSERT INTO m_first VALUES (1); CREATE TABLE m_second (id int);");
});
afterAll(() => db.drop());

describe("migrations", () => {
  it("applies files in numeric order, records checksums, and a re-run is a no-op", async () => {
    const first = await migrate(db.pool, undefined, dir);
    expect(first).toEqual({ applied: ["001_first.sql", "002_second.sql"], version: 2 });
    const again = await migrate(db.pool, undefined, dir);
    expect(again.applied).toEqual([]);
    const { rows } = await db.pool.query("SELECT id, name, length(checksum) AS len FROM gridops_migrations ORDER BY id");
    expect(rows).toEqual([
      { id: 1, name: "001_first.sql", len: 64 },
      { id: 2, name: "002_second.sql", len: 64 },
    ]);
  });

  it("refuses an applied migration that was edited", async () => {
    await fs.writeFile(path.join(dir, "001_first.sql"), "CREATE TABLE m_first (id bigint);");
    await expect(migrate(db.pool, undefined, dir)).rejects.toMatchObject({ code: "checksum_mismatch" });
    await fs.writeFile(path.join(dir, "001_first.sql"), "CREATE TABLE m_first (id int);");
  });

  it("rolls back a failing migration completely, keeping earlier ones", async () => {
    await fs.writeFile(path.join(dir, "003_broken.sql"), "CREATE TABLE m_third (id int); SELECT no_such_function();");
    const error = await migrate(db.pool, undefined, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: "failed" });
    const { rows } = await db.pool.query("SELECT to_regclass('m_third') AS t, (SELECT max(id) FROM gridops_migrations) AS v");
    expect(rows[0]).toEqual({ t: null, v: 2 });
    await fs.rm(path.join(dir, "003_broken.sql"));
  });

  it("rejects badly named files", async () => {
    await fs.writeFile(path.join(dir, "4-oops.sql"), "SELECT 1");
    await expect(readMigrationFiles(dir)).rejects.toMatchObject({ code: "bad_file_name" });
    await fs.rm(path.join(dir, "4-oops.sql"));
  });

  it("the real migrations are numbered uniquely and apply cleanly (template databases use them)", async () => {
    const files = await readMigrationFiles(migrationsDir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.map((f) => f.id)).toEqual([...files.map((f) => f.id)].sort((a, b) => a - b));
  });
});
