import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../db/embedded-postgres.js";
import { migrate } from "../db/migrate.js";
import { createPool } from "../db/pool.js";
import { loadDemoData, seedDemoUsers } from "../features/demo/demo-data.js";
import { DEMO_PASSWORD, TEMPLATE_DEMO, TEMPLATE_EMPTY, type TestPgInfo } from "./test-pg-info.js";

/**
 * One embedded PostgreSQL + PostGIS cluster for the whole run, in a fresh temporary folder,
 * with two template databases (migrated; migrated + demo district + demo users). Each test
 * file clones the template it needs, so tests never share state.
 */
export default async function setup(project: TestProject) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "gridops-test-"));
  await fs.chmod(root, 0o755);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(root, "pg"),
    binDir: process.env.GRIDOPS_PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin",
    systemUser: process.env.GRIDOPS_PG_SYSTEM_USER ?? "gridops-pg",
    database: "postgres",
  });
  const info: TestPgInfo = { host: cluster.socketDir, port: cluster.port, user: cluster.user, root };
  const admin = new pg.Client({ host: info.host, port: info.port, user: info.user, database: "postgres" });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET max_connections = 300`).catch(() => {});
  for (const name of [TEMPLATE_EMPTY, TEMPLATE_DEMO]) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  for (const [name, demo] of [[TEMPLATE_EMPTY, false], [TEMPLATE_DEMO, true]] as const) {
    const pool = createPool(`postgresql://${info.user}@localhost:${info.port}/${name}?host=${encodeURIComponent(info.host)}`, 4);
    await migrate(pool);
    if (demo) {
      await loadDemoData(pool);
      await seedDemoUsers(pool, DEMO_PASSWORD);
    }
    await pool.end();
  }
  project.provide("testPg", info);
  return async () => {
    await cluster.stop();
    await fs.rm(root, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    testPg: TestPgInfo;
  }
}
