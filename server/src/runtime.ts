import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AppDeps } from "./app-deps.js";
import { buildApp, type BuiltApp } from "./app.js";
import type { Config } from "./config.js";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./db/embedded-postgres.js";
import { migrate } from "./db/migrate.js";
import { createPool, type Pool, withTransaction } from "./db/pool.js";
import type { AuthSettings } from "./features/auth/auth.service.js";
import { createMetrics } from "./features/metrics/metrics.js";
import { withPlateIngestListener } from "./features/plates/ingest-listener.js";
import { type Keyring, loadKeyring } from "./features/secrets/keyring.js";
import { migrateJobQueue } from "./jobs/job-queue.js";
import type { Logger } from "./logger.js";
import { type Realtime, startRealtime } from "./realtime/realtime.js";

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}

export interface Database {
  pool: Pool;
  embedded: EmbeddedPostgres | null;
  close(): Promise<void>;
}

/** DATABASE_URL if given, else our own cluster in the data folder; checked reachable either way. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: config.pgDir, binDir: config.pgBinDir, systemUser: config.pgSystemUser, log });
  const pool = createPool(config.databaseUrl ?? embedded!.connectionString, config.poolMax);
  try {
    await pool.query("SELECT 1");
  } catch (cause) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    throw new StartupError(
      `Cannot reach the database at ${describeUrl(config.databaseUrl ?? embedded!.connectionString)}: ${(cause as Error).message}. Check DATABASE_URL, or unset it to use the embedded database.`,
      { cause },
    );
  }
  return {
    pool,
    embedded,
    close: async () => {
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}

/** host:port/database of a connection string, never the password. */
export function describeUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export function authSettingsOf(config: Config): AuthSettings {
  return { sessionTtlHours: config.sessionTtlHours, maxAccountFailures: 5, maxIpFailures: 30, lockoutWindowSeconds: 15 * 60 };
}

export function depsOf(
  config: Config,
  pool: Pool,
  log: Logger,
  keyring: Keyring,
  authSettings = authSettingsOf(config),
): AppDeps {
  return {
    config,
    pool,
    log,
    authSettings,
    keyring,
    metrics: createMetrics(pool),
    withTransaction: (fn) => withTransaction(pool, fn),
  };
}

/** The demo creates its key file on first run; a real deployment must provide a key. */
export function keyringFor(config: Config, demo: boolean): Promise<Keyring> {
  return loadKeyring({ envKey: config.secretKey, keyFile: config.secretKeyFile, createIfMissing: demo });
}

export interface RunningServer {
  url: string;
  port: number;
  built: BuiltApp;
  deps: AppDeps;
  realtime: Realtime;
  close(): Promise<void>;
}

export async function startHttpServer(deps: AppDeps): Promise<RunningServer> {
  await migrate(deps.pool, deps.log);
  await migrateJobQueue(deps.pool, deps.log);
  const built = buildApp(deps);
  // Common plate pushes are answered ahead of Express (decision 0109); everything else goes to it.
  const server = http.createServer(withPlateIngestListener(deps, built.app));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new StartupError(`Port ${deps.config.port} is already in use: stop the other process or set PORT to a free port.`)
          : err.code === "EACCES"
            ? new StartupError(`Not allowed to listen on port ${deps.config.port}: use a port above 1023 or run with the needed privilege.`)
            : err,
      ),
    );
    server.listen(deps.config.port, deps.config.host, () => resolve());
  });
  const realtime = await startRealtime(server, deps);
  const port = (server.address() as AddressInfo).port;
  const host = deps.config.host === "0.0.0.0" ? "127.0.0.1" : deps.config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    built,
    deps,
    realtime,
    close: async () => {
      await realtime.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
