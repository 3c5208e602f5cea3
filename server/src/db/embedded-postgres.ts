import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Logger } from "../logger.js";

const execFileAsync = promisify(execFile);

/** Why the embedded cluster could not start; `message` always names the fix. */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code:
      | "binaries_missing"
      | "postgis_missing"
      | "corrupt_data_dir"
      | "wrong_version"
      | "in_use"
      | "not_accessible"
      | "start_failed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmbeddedPostgresError";
  }
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  binDir: string;
  /** Unix user that owns the cluster when we run as root (initdb refuses root). */
  systemUser: string;
  database?: string;
  log?: Logger;
}

export interface EmbeddedPostgres {
  dataDir: string;
  port: number;
  socketDir: string;
  database: string;
  user: string;
  password: string;
  /** libpq-style connection string over the Unix socket in the data folder. */
  connectionString: string;
  stop(): Promise<void>;
}

const SUPERUSER = "gridops";
const PG_MAJOR = "15";
const PASSWORD_FILE = "gridops-superuser.password";

const isRoot = () => process.getuid?.() === 0;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const database = opts.database ?? "gridops";
  await checkBinaries(opts.binDir);
  await ensureSystemUser(opts.systemUser);
  await prepareDataDir(opts);
  await clearStalePid(opts.dataDir, opts.log);
  const password = (await fs.readFile(path.join(opts.dataDir, PASSWORD_FILE), "utf8")).trim();
  const port = await findFreePort();
  await pgCtl(opts, [
    "start",
    "-w",
    "-t",
    "60",
    "-l",
    path.join(opts.dataDir, "server.log"),
    "-o",
    `-p ${port} -k ${opts.dataDir} -c listen_addresses=127.0.0.1`,
  ]).catch(async (cause: unknown) => {
    const tail = await readLogTail(opts.dataDir);
    throw new EmbeddedPostgresError(
      "start_failed",
      `Embedded PostgreSQL in ${opts.dataDir} did not start: ${tail || String(cause)}`,
      { cause },
    );
  });
  opts.log?.info({ dataDir: opts.dataDir, port }, "embedded PostgreSQL started");
  const instance: EmbeddedPostgres = {
    dataDir: opts.dataDir,
    port,
    socketDir: opts.dataDir,
    database,
    user: SUPERUSER,
    password,
    connectionString: `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@localhost:${port}/${database}?host=${encodeURIComponent(opts.dataDir)}`,
    stop: async () => {
      await pgCtl(opts, ["stop", "-w", "-m", "fast", "-t", "60"]).catch((cause: unknown) =>
        opts.log?.warn({ err: cause }, "embedded PostgreSQL stop failed"),
      );
      opts.log?.info({ dataDir: opts.dataDir }, "embedded PostgreSQL stopped");
    },
  };
  await ensureDatabase(instance);
  return instance;
}

async function checkBinaries(binDir: string): Promise<void> {
  for (const bin of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(path.join(binDir, bin))) {
      throw new EmbeddedPostgresError(
        "binaries_missing",
        `PostgreSQL ${PG_MAJOR} is not installed (${path.join(binDir, bin)} missing): run "npm run setup", or "sudo apt-get install -y postgresql-${PG_MAJOR}-postgis-3", or set DATABASE_URL.`,
      );
    }
  }
  if (!existsSync(`/usr/share/postgresql/${PG_MAJOR}/extension/postgis.control`)) {
    throw new EmbeddedPostgresError(
      "postgis_missing",
      `PostGIS is not installed for PostgreSQL ${PG_MAJOR}: run "npm run setup" or "sudo apt-get install -y postgresql-${PG_MAJOR}-postgis-3".`,
    );
  }
}

async function ensureSystemUser(user: string): Promise<void> {
  if (!isRoot()) return;
  try {
    await execFileAsync("id", ["-u", user]);
  } catch {
    await execFileAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user]);
  }
}

/** Runs a PostgreSQL binary as the cluster owner: ourselves, or the system user when we are root. */
async function runAsOwner(systemUser: string, file: string, args: string[]): Promise<string> {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", systemUser, "--", file, ...args]] : [file, args];
  const { stdout } = await execFileAsync(cmd, argv, { maxBuffer: 4 * 1024 * 1024 });
  return stdout;
}

function pgCtl(opts: EmbeddedPostgresOptions, args: string[]): Promise<string> {
  return runAsOwner(opts.systemUser, path.join(opts.binDir, "pg_ctl"), ["-D", opts.dataDir, ...args]);
}

async function prepareDataDir(opts: EmbeddedPostgresOptions): Promise<void> {
  const entries = await fs.readdir(opts.dataDir).catch(() => null);
  if (entries && entries.length > 0) {
    await checkExistingCluster(opts.dataDir);
    return;
  }
  // Parents get the default mode (the cluster owner must traverse them); only the cluster folder is private.
  await fs.mkdir(path.dirname(opts.dataDir), { recursive: true });
  await fs.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    await execFileAsync("chown", [`${opts.systemUser}:`, opts.dataDir]);
    await assertOwnerCanReach(opts);
  }
  const password = randomBytes(24).toString("base64url");
  const pwDir = await fs.mkdtemp(path.join(os.tmpdir(), "gridops-initdb-"));
  const pwFile = path.join(pwDir, "pw");
  await fs.writeFile(pwFile, password, { mode: 0o600 });
  if (isRoot()) await execFileAsync("chown", ["-R", `${opts.systemUser}:`, pwDir]);
  try {
    await runAsOwner(opts.systemUser, path.join(opts.binDir, "initdb"), [
      "-D",
      opts.dataDir,
      "-U",
      SUPERUSER,
      `--pwfile=${pwFile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--no-locale",
    ]);
  } finally {
    await fs.rm(pwDir, { recursive: true, force: true });
  }
  await fs.writeFile(path.join(opts.dataDir, PASSWORD_FILE), password, { mode: 0o600 });
  if (isRoot()) await execFileAsync("chown", [`${opts.systemUser}:`, path.join(opts.dataDir, PASSWORD_FILE)]);
  opts.log?.info({ dataDir: opts.dataDir }, "initialised new embedded PostgreSQL cluster");
}

async function checkExistingCluster(dataDir: string): Promise<void> {
  const version = await fs.readFile(path.join(dataDir, "PG_VERSION"), "utf8").catch(() => null);
  if (version === null || !existsSync(path.join(dataDir, PASSWORD_FILE))) {
    throw new EmbeddedPostgresError(
      "corrupt_data_dir",
      `${dataDir} is not empty but is not a GridOps PostgreSQL data folder (PG_VERSION or ${PASSWORD_FILE} missing): move it away or point GRIDOPS_PG_DIR at another folder. Nothing was changed.`,
    );
  }
  if (version.trim() !== PG_MAJOR) {
    throw new EmbeddedPostgresError(
      "wrong_version",
      `${dataDir} holds a PostgreSQL ${version.trim()} cluster but PostgreSQL ${PG_MAJOR} is installed: dump and restore it, or point GRIDOPS_PG_DIR at another folder.`,
    );
  }
}

async function assertOwnerCanReach(opts: EmbeddedPostgresOptions): Promise<void> {
  try {
    await execFileAsync("runuser", ["-u", opts.systemUser, "--", "test", "-w", opts.dataDir]);
  } catch {
    throw new EmbeddedPostgresError(
      "not_accessible",
      `The cluster owner "${opts.systemUser}" cannot reach ${opts.dataDir} (a parent folder is not world-traversable): set GRIDOPS_PG_DIR to a folder such as /var/lib/gridops/pg.`,
    );
  }
}

/**
 * A postmaster.pid left by a crash blocks start-up; one held by a live postgres means
 * another process owns the folder, which we must refuse rather than fight over.
 */
async function clearStalePid(dataDir: string, log?: Logger): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const content = await fs.readFile(pidFile, "utf8").catch(() => null);
  if (content === null) return;
  const pid = Number.parseInt(content.split("\n")[0] ?? "", 10);
  if (Number.isInteger(pid) && pid > 0 && (await isPostgresProcess(pid))) {
    throw new EmbeddedPostgresError(
      "in_use",
      `${dataDir} is in use by PostgreSQL process ${pid} (another GridOps running?): stop it first, or use another GRIDOPS_PG_DIR.`,
    );
  }
  log?.warn({ pid, dataDir }, "removing stale postmaster.pid left by a crash");
  await fs.rm(pidFile, { force: true });
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => null);
  return cmdline?.includes("postgres") ?? false;
}

export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ensureDatabase(instance: EmbeddedPostgres): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    host: instance.socketDir,
    port: instance.port,
    user: instance.user,
    database: "postgres",
  });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [instance.database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${quoteIdent(instance.database)}`);
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function readLogTail(dataDir: string): Promise<string> {
  const log = await fs.readFile(path.join(dataDir, "server.log"), "utf8").catch(() => "");
  return log.trim().split("\n").slice(-3).join(" | ");
}

/** Used by tests to simulate a crash: kill the postmaster without letting it clean up. */
export async function readPostmasterPid(dataDir: string): Promise<number | null> {
  const content = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => null);
  const pid = Number.parseInt(content?.split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) ? pid : null;
}

