import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../server/src/db/embedded-postgres.js";
import { migrate } from "../../server/src/db/migrate.js";
import { createPool, type Pool } from "../../server/src/db/pool.js";
import { loadDemoData, seedDemoUsers } from "../../server/src/features/demo/demo-data.js";

export interface BenchDatabase {
  pool: Pool;
  connectionString: string;
  close(): Promise<void>;
}

/** A throw-away embedded PostGIS cluster, migrated, optionally with the demo district and users. */
export async function startBenchDatabase(opts: { demo?: boolean } = {}): Promise<BenchDatabase> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "gridops-bench-"));
  await fs.chmod(root, 0o755);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(root, "pg"),
    binDir: process.env.GRIDOPS_PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin",
    systemUser: process.env.GRIDOPS_PG_SYSTEM_USER ?? "gridops-pg",
  });
  const pool = createPool(cluster.connectionString, 20);
  await migrate(pool);
  if (opts.demo) {
    await loadDemoData(pool);
    await seedDemoUsers(pool, "gridops-demo");
  }
  return {
    pool,
    connectionString: cluster.connectionString,
    close: async () => {
      await pool.end();
      await cluster.stop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
