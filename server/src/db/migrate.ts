import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.js";
import { serverRoot } from "../package-root.js";
import type { Pool } from "./pool.js";

export const migrationsDir = path.join(serverRoot, "src", "migrations");

export class MigrationError extends Error {
  constructor(
    readonly code: "checksum_mismatch" | "bad_file_name" | "missing_file" | "failed" | "postgis_missing",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

// Any constant works; it only has to be the same for every GridOps process.
const MIGRATION_LOCK_KEY = 7_420_117;

export async function readMigrationFiles(dir = migrationsDir): Promise<MigrationFile[]> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = /^(\d{3,})_[a-z0-9_]+\.sql$/.exec(name);
    if (!match) {
      throw new MigrationError("bad_file_name", `Migration file name ${name} must look like 001_some_name.sql`);
    }
    const sql = await fs.readFile(path.join(dir, name), "utf8");
    files.push({ id: Number(match[1]), name, sql, checksum: sha256(sql) });
  }
  files.forEach((file, index) => {
    const previous = files[index - 1];
    if (previous && previous.id === file.id) {
      throw new MigrationError("bad_file_name", `Two migrations share number ${file.id}: ${previous.name}, ${file.name}`);
    }
  });
  return files;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface MigrateResult {
  applied: string[];
  version: number;
}

/**
 * Applies pending migrations in order, each in its own transaction together with its
 * bookkeeping row. An advisory lock keeps two processes from migrating at once.
 */
export async function migrate(pool: Pool, log?: Logger, dir = migrationsDir): Promise<MigrateResult> {
  const files = await readMigrationFiles(dir);
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS gridops_migrations (
      id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
      "SELECT id, name, checksum FROM gridops_migrations ORDER BY id",
    );
    const applied = new Map(rows.map((r) => [r.id, r]));
    for (const row of rows) {
      const file = files.find((f) => f.id === row.id);
      if (!file) {
        throw new MigrationError(
          "missing_file",
          `Migration ${row.name} is recorded in the database but its file is missing: restore it from version control.`,
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          "checksum_mismatch",
          `Migration ${file.name} was edited after it was applied (checksum differs): revert the edit and put the change in a new migration.`,
        );
      }
    }
    const done: string[] = [];
    for (const file of files.filter((f) => !applied.has(f.id))) {
      await applyOne(client, file);
      log?.info({ migration: file.name }, "applied migration");
      done.push(file.name);
    }
    return { applied: done, version: files.at(-1)?.id ?? 0 };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}

async function applyOne(client: import("pg").PoolClient, file: MigrationFile): Promise<void> {
  try {
    await client.query("BEGIN");
    await client.query(file.sql);
    await client.query("INSERT INTO gridops_migrations (id, name, checksum) VALUES ($1, $2, $3)", [
      file.id,
      file.name,
      file.checksum,
    ]);
    await client.query("COMMIT");
  } catch (cause) {
    await client.query("ROLLBACK").catch(() => {});
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/extension "postgis"|postgis\.control/.test(message)) {
      throw new MigrationError(
        "postgis_missing",
        `PostGIS is not available on this PostgreSQL server (${message}): install postgresql-15-postgis-3 on the database host, or have a superuser run CREATE EXTENSION postgis.`,
        { cause },
      );
    }
    throw new MigrationError("failed", `Migration ${file.name} failed and was rolled back: ${message}`, { cause });
  }
}

export async function currentMigrationVersion(pool: Pool): Promise<number | null> {
  const { rows } = await pool
    .query<{ version: number | null }>("SELECT max(id) AS version FROM gridops_migrations")
    .catch(() => ({ rows: [{ version: null }] }));
  return rows[0]?.version ?? null;
}
