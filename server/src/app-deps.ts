import type { Config } from "./config.js";
import type { Pool, PoolClient } from "./db/pool.js";
import type { AuthSettings } from "./features/auth/auth.service.js";
import type { Metrics } from "./features/metrics/metrics.js";
import type { Keyring } from "./features/secrets/keyring.js";
import type { Logger } from "./logger.js";

/** What feature routers get: the pool, configuration and logger, nothing global. */
export interface AppDeps {
  config: Config;
  pool: Pool;
  log: Logger;
  authSettings: AuthSettings;
  /** Encrypts secrets at rest (camera credentials); never log it. */
  keyring: Keyring;
  /** Prometheus registry of this app instance. */
  metrics: Metrics;
  withTransaction<T>(fn: (db: PoolClient) => Promise<T>): Promise<T>;
}
