#!/usr/bin/env node
import { type Background, startBackground } from "./background.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { EmbeddedPostgresError } from "./db/embedded-postgres.js";
import { MigrationError, migrate } from "./db/migrate.js";
import { withTransaction } from "./db/pool.js";
import { verifyAuditChain } from "./features/audit/audit.service.js";
import { createUser } from "./features/auth/auth.service.js";
import { loadDemoData, seedDemoUsers } from "./features/demo/demo-data.js";
import { IngestCliUsageError, parseReplayArgs, runIngestCli } from "./features/ingest/ingest.cli.js";
import {
  PLATE_INGEST_WORKER_COMMAND,
  type PlateIngestProcesses,
  runPlateIngestWorker,
  startPlateIngestProcesses,
} from "./features/plates/ingest-processes.js";
import { SecretKeyError } from "./features/secrets/keyring.js";
import { rotateKey } from "./features/secrets/rotate-key.js";
import { migrateJobQueue } from "./jobs/job-queue.js";
import { createLogger, type Logger } from "./logger.js";
import { type Database, depsOf, keyringFor, openDatabase, StartupError, startHttpServer } from "./runtime.js";

const USAGE = `Usage: gridops <command>

Commands:
  serve                 run the server (embedded PostgreSQL unless DATABASE_URL is set)
  demo                  load the demo district and demo users, then serve
  migrate               apply pending database migrations
  demo-data             load the demo district (idempotent)
  audit verify          walk the audit log hash chain and report the first broken row
  rotate-key            generate a new secret key and re-encrypt stored camera credentials
  create-admin          create the first admin: --username NAME, password from GRIDOPS_ADMIN_PASSWORD
  ingest replay         replay plate dead letters after fixing their cause: --id N or --reason CODE
  worker                run only the job runner (time limits, reminders, polling), no HTTP
  help                  show this text

Configuration is read from the environment; see docs/operations.md.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  switch (command) {
    case "serve":
      return serve(config, log, false);
    case "demo":
      return serve(config, log, true);
    case "migrate":
      return withDatabase(config, log, async (db) => {
        const result = await migrate(db.pool, log);
        console.log(
          result.applied.length ? `Applied ${result.applied.join(", ")}` : "Database is up to date.",
        );
        console.log(`Schema version ${result.version}.`);
      });
    case "demo-data":
      return withDatabase(config, log, async (db) => {
        await migrate(db.pool, log);
        const report = await loadDemoData(db.pool, log);
        console.log(
          `Demo district loaded: ${report.cellsChanged} cells, ${report.checkpointsChanged} checkpoints, ${report.camerasChanged} cameras changed.`,
        );
      });
    case "audit":
      if (rest[0] !== "verify") throw new UsageError("Usage: gridops audit verify");
      return withDatabase(config, log, async (db) => {
        const result = await verifyAuditChain(db.pool, (n) => process.stderr.write(`\rchecked ${n} rows`));
        process.stderr.write("\n");
        if (result.ok) {
          console.log(`Audit log intact: ${result.checked} rows verified.`);
          return;
        }
        console.error(
          `Audit log BROKEN at row ${result.firstBroken!.id}: ${result.firstBroken!.reason} (${result.checked} rows before it are intact).`,
        );
        process.exitCode = 3;
      });
    case "rotate-key":
      if (config.secretKey) {
        throw new UsageError(
          "rotate-key works on the key file; unset GRIDOPS_SECRET_KEY and keep the key in GRIDOPS_SECRET_KEY_FILE to rotate.",
        );
      }
      return withDatabase(config, log, async (db) => {
        await keyringFor(config, false);
        const report = await rotateKey(db.pool, config.secretKeyFile, (n) =>
          process.stderr.write(`\rre-encrypted ${n} secrets`),
        );
        process.stderr.write("\n");
        console.log(
          `Secret key rotated: new key ${report.newKeyId}, ${report.reencrypted} secrets re-encrypted. Back up ${config.secretKeyFile}.`,
        );
      });
    case "worker":
      return runWorker(config, log);
    case PLATE_INGEST_WORKER_COMMAND: // forked by serve when GRIDOPS_PLATE_INGEST_PORT is set
      return runPlateIngestWorker(config, log);
    case "create-admin":
      return createAdmin(config, log, rest);
    case "ingest":
      try {
        parseReplayArgs(rest);
      } catch (error) {
        throw error instanceof IngestCliUsageError ? new UsageError(error.message) : error;
      }
      return withDatabase(config, log, async (db) => {
        await migrate(db.pool, log);
        process.exitCode = await runIngestCli(rest, db.pool, log, config);
      });
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

async function withDatabase(
  config: Config,
  log: Logger,
  fn: (db: Database) => Promise<void>,
): Promise<number> {
  const db = await openDatabase(config, log);
  try {
    await fn(db);
  } finally {
    await db.close();
  }
  return Number(process.exitCode ?? 0);
}

async function createAdmin(config: Config, log: Logger, args: string[]): Promise<number> {
  const index = args.indexOf("--username");
  const username = index >= 0 ? args[index + 1] : undefined;
  const password = process.env.GRIDOPS_ADMIN_PASSWORD;
  if (!username)
    throw new UsageError("Usage: GRIDOPS_ADMIN_PASSWORD=... gridops create-admin --username NAME");
  if (!password)
    throw new UsageError("Set GRIDOPS_ADMIN_PASSWORD to the new admin's password (it is never logged).");
  return withDatabase(config, log, async (db) => {
    await migrate(db.pool, log);
    const { rows } = await db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'district' AND retired_at IS NULL ORDER BY code",
    );
    if (rows.length === 0)
      throw new UsageError("No district cell exists yet: import cells (or run gridops demo-data) first.");
    await withTransaction(db.pool, (client) =>
      createUser(
        client,
        { userId: null, actor: "cli:create-admin" },
        {
          username,
          displayName: username,
          password,
          roles: ["admin"],
          cellCodes: rows.map((r) => r.code),
        },
      ),
    );
    console.log(`Admin "${username}" created.`);
  });
}

async function serve(config: Config, log: Logger, demo: boolean): Promise<number> {
  const db = await openDatabase(config, log);
  let server: Awaited<ReturnType<typeof startHttpServer>> | null = null;
  let background: Background | null = null;
  let ingest: PlateIngestProcesses | null = null;
  const stopAll = async () => {
    await ingest?.stop();
    await background?.stop();
    await server?.close();
    await db.close();
  };
  const shutdown = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await stopAll();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  try {
    await migrate(db.pool, log);
    const users = demo ? await loadDemo(db, config, log) : [];
    server = await startHttpServer(depsOf(config, db.pool, log, await keyringFor(config, demo)));
    if (config.plateIngestPort !== null) {
      const databaseUrl = config.databaseUrl ?? db.embedded!.connectionString;
      ingest = await startPlateIngestProcesses({ config, log, databaseUrl });
      server.deps.metrics.addPeers(ingest.measurements);
    }
    background = await startBackground(server.deps, demo ? "demo" : "serve", server.url);
    if (demo) printDemoBanner(server.url, users, config.demoPassword === "gridops-demo");
    else log.info({ url: server.url, background: background.names }, "GridOps is listening");
  } catch (error) {
    await stopAll();
    throw error;
  }
  return new Promise<number>(() => {});
}

async function loadDemo(db: Database, config: Config, log: Logger): Promise<string[]> {
  await loadDemoData(db.pool, log);
  const users = await seedDemoUsers(db.pool, config.demoPassword);
  return users.map((u) => `${u.username} (${u.roles.join(", ")})`);
}

/** A process that only runs queued and cron jobs and camera polling; start as many as the load needs. */
async function runWorker(config: Config, log: Logger): Promise<number> {
  const db = await openDatabase(config, log);
  let background: Background;
  try {
    await migrate(db.pool, log);
    await migrateJobQueue(db.pool, log);
    background = await startBackground(
      depsOf(config, db.pool, log, await keyringFor(config, false)),
      "worker",
    );
  } catch (error) {
    await db.close();
    throw error;
  }
  const stop = async (signal: string) => {
    log.info({ signal }, "stopping the job worker");
    await background.stop();
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  log.info({ services: background.names }, "job worker running");
  return new Promise<number>(() => {});
}

function printDemoBanner(url: string, users: string[], defaultPassword: boolean): void {
  const lines = [
    "",
    `GridOps demo is running at ${url}`,
    "",
    "Demo logins (DEMO ONLY - never use these accounts in production):",
    ...users.map((u) => `  ${u}`),
    defaultPassword ? "  password: gridops-demo" : "  password: the value of GRIDOPS_DEMO_PASSWORD",
    "",
    "Press Ctrl+C to stop (the embedded database stops with it).",
    "",
  ];
  console.log(lines.join("\n"));
}

const KNOWN = [ConfigError, EmbeddedPostgresError, MigrationError, SecretKeyError, StartupError, UsageError];

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (KNOWN.some((k) => error instanceof k)) {
      console.error(`gridops: ${(error as Error).message}`);
      process.exit(error instanceof UsageError ? 2 : 1);
    }
    console.error("gridops: unexpected error:", error);
    process.exit(1);
  },
);
