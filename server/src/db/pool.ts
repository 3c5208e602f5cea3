import pg from "pg";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

// int8 (bigint) ids and counts fit in a JS number for our sizes; numeric stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export function createPool(connectionString: string, max: number): Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: "gridops" });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/** Callbacks to run once the transaction on a client has committed (dropped on rollback). */
const afterCommitCallbacks = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` after the current transaction on `db` commits; on a pool (autocommit) right away.
 * Only transactions ended by `withTransaction` or `commitTransaction` run their callbacks; for
 * others they are dropped or run at a later commit on the same connection, so use this for
 * what may be late or early (wake-ups), never for what must happen exactly once.
 */
export function afterCommit(db: Queryable, fn: () => void): void {
  if (!(db instanceof pg.Client)) {
    queueMicrotask(fn);
    return;
  }
  const callbacks = afterCommitCallbacks.get(db);
  if (callbacks) callbacks.push(fn);
  else afterCommitCallbacks.set(db, [fn]);
}

/** COMMIT, then the transaction's afterCommit callbacks. */
export async function commitTransaction(client: PoolClient): Promise<void> {
  await client.query("COMMIT");
  const callbacks = afterCommitCallbacks.get(client) ?? [];
  afterCommitCallbacks.delete(client);
  for (const fn of callbacks) fn();
}

/** ROLLBACK (errors ignored: the connection may be gone), dropping the afterCommit callbacks. */
export async function rollbackTransaction(client: PoolClient): Promise<void> {
  afterCommitCallbacks.delete(client);
  await client.query("ROLLBACK").catch(() => {});
}

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    afterCommitCallbacks.delete(client);
    const result = await fn(client);
    await commitTransaction(client);
    return result;
  } catch (error) {
    await rollbackTransaction(client);
    throw error;
  } finally {
    client.release();
  }
}
