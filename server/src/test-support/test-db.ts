import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool, type Pool } from "../db/pool.js";
import { TEMPLATE_DEMO, TEMPLATE_EMPTY, type TestPgInfo } from "./test-pg-info.js";

export interface TestDatabase {
  name: string;
  connectionString: string;
  pool: Pool;
  drop(): Promise<void>;
}

export const testPg = (): TestPgInfo => inject("testPg");

export function urlFor(database: string, info = testPg()): string {
  return `postgresql://${info.user}@localhost:${info.port}/${database}?host=${encodeURIComponent(info.host)}`;
}

async function adminQuery(sql: string): Promise<void> {
  const info = testPg();
  const client = new pg.Client({ host: info.host, port: info.port, user: info.user, database: "postgres" });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A private database cloned from a template: migrated, and with the demo district when `demo`. */
export async function createTestDatabase(opts: { demo?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${opts.demo ? TEMPLATE_DEMO : TEMPLATE_EMPTY}`);
  const connectionString = urlFor(name);
  const pool = createPool(connectionString, 10);
  return {
    name,
    connectionString,
    pool,
    drop: async () => {
      await pool.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
