import path from "node:path";
import { z } from "zod";

/**
 * The only place that reads the environment. Everything else receives a typed Config.
 * Bad values fail at start with one line per problem naming the variable and the fix.
 */
const boolFromEnv = (fallback: "true" | "false") =>
  z
    .enum(["1", "0", "true", "false", "yes", "no"])
    .default(fallback)
    .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  GRIDOPS_DATA_DIR: z.string().min(1).default(".data"),
  GRIDOPS_PG_DIR: z.string().min(1).optional(),
  GRIDOPS_PG_BIN_DIR: z.string().min(1).default("/usr/lib/postgresql/15/bin"),
  GRIDOPS_PG_SYSTEM_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*$/, "must be a valid Unix user name")
    .default("gridops-pg"),
  GRIDOPS_DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  GRIDOPS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GRIDOPS_BASE_MAP_STYLE_URL: z.string().url().optional(),
  GRIDOPS_DEFAULT_LANGUAGE: z.enum(["zh-CN", "en"]).default("zh-CN"),
  GRIDOPS_WEB_DIR: z.string().min(1).optional(),
  GRIDOPS_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes as 64 hex digits or base64")
    .optional(),
  GRIDOPS_SECRET_KEY_FILE: z.string().min(1).optional(),
  GRIDOPS_DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").default("gridops-demo"),
  GRIDOPS_TRUST_PROXY: boolFromEnv("false"),
  GRIDOPS_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  GRIDOPS_PLATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  GRIDOPS_OUTBOX_RETENTION_HOURS: z.coerce.number().positive().max(24 * 365).default(24),
  GRIDOPS_REALTIME_ADAPTER: z.enum(["postgres", "none"]).default("postgres"),
  GRIDOPS_PLATE_IMAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  GRIDOPS_PLATE_DEDUPE_WINDOW_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
  GRIDOPS_DEAD_LETTER_MAX_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  GRIDOPS_PLATE_GROUP_COMMIT: boolFromEnv("true"),
  GRIDOPS_PLATE_INGEST_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  GRIDOPS_PLATE_INGEST_PROCESSES: z.coerce.number().int().min(1).max(64).default(2),
  GRIDOPS_FRIGATE_MQTT_URL: z.string().regex(/^mqtts?:\/\/|^wss?:\/\//, "must start with mqtt://, mqtts://, ws:// or wss://").optional(),
  GRIDOPS_ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  GRIDOPS_JOBS: boolFromEnv("true"),
  GRIDOPS_WEBHOOK_ALLOW_LOOPBACK: boolFromEnv("false"),
  GRIDOPS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  GRIDOPS_CAMERA_OFFLINE_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(30),
  GRIDOPS_CAMERA_OFFLINE_ESCALATION: z.enum(["incident", "ticket"]).default("incident"),
  GRIDOPS_CAMERA_CHECK_RETENTION_DAYS: z.coerce.number().int().min(2).max(3650).default(90),
  GRIDOPS_DISCOVERY_TARGETS: z
    .string()
    .regex(/^(\s*[A-Za-z0-9.:[\]-]+(:\d{1,5})?\s*)(,\s*[A-Za-z0-9.:[\]-]+(:\d{1,5})?\s*)*$/, "must be host[:port] entries separated by commas")
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env["NODE_ENV"];
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  pgDir: string;
  pgBinDir: string;
  pgSystemUser: string;
  poolMax: number;
  logLevel: Env["GRIDOPS_LOG_LEVEL"];
  baseMapStyleUrl: string | null;
  defaultLanguage: Env["GRIDOPS_DEFAULT_LANGUAGE"];
  webDir: string | undefined;
  secretKey: string | undefined;
  secretKeyFile: string;
  demoPassword: string;
  trustProxy: boolean;
  sessionTtlHours: number;
  plateRetentionDays: number;
  /** Published realtime events are kept this long for reconnecting clients to catch up. */
  outboxRetentionHours: number;
  /** Socket.IO adapter between server processes ("none" for a single process). */
  realtimeAdapter: "postgres" | "none";
  /** Pictures may be kept shorter than reads (never longer); default: as long as reads. */
  plateImageRetentionDays: number;
  /** Reads of one device with the same plate closer than this are one passage. */
  plateDedupeWindowMs: number;
  /** Dead-letter payloads are kept up to this size (longer ones truncated, not replayable). */
  deadLetterMaxBytes: number;
  /** Optional Frigate integration: subscribe to frigate/events on this broker. */
  frigateMqttUrl: string | null;
  /** Share commits between concurrent plate pushes (off: one transaction per push; for comparison). */
  plateGroupCommit: boolean;
  /** A port of its own for plate pushes, served by plateIngestProcesses worker processes (decision 0141); null: off. */
  plateIngestPort: number | null;
  plateIngestProcesses: number;
  /** Largest incident photo accepted, in bytes. */
  attachmentMaxBytes: number;
  /** Run the job runner (time limits, reminders, polling) in this process. */
  jobs: boolean;
  /** Webhook URLs may point at loopback addresses (tests, a local relay); link-local/metadata never. */
  webhookAllowLoopback: boolean;
  /** A webhook attempt that takes longer than this is abandoned and retried later. */
  webhookTimeoutMs: number;
  /** A camera offline this long opens an incident (or a repair ticket, per cameraOfflineEscalation). */
  cameraOfflineEscalateMinutes: number;
  cameraOfflineEscalation: "incident" | "ticket";
  /** Days of per-check camera health history kept (daily partitions dropped after). */
  cameraCheckRetentionDays: number;
  /** Extra unicast WS-Discovery targets (host[:port], port 3702 by default) besides multicast. */
  discoveryTargets: { host: string; port: number }[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".");
        const value = source[name];
        const shown = name.includes("SECRET") || name.includes("PASSWORD") ? "(hidden)" : JSON.stringify(value);
        return `${name}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.GRIDOPS_DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    pgDir: path.resolve(e.GRIDOPS_PG_DIR ?? path.join(dataDir, "pg")),
    pgBinDir: e.GRIDOPS_PG_BIN_DIR,
    pgSystemUser: e.GRIDOPS_PG_SYSTEM_USER,
    poolMax: e.GRIDOPS_DB_POOL_MAX,
    logLevel: e.GRIDOPS_LOG_LEVEL,
    baseMapStyleUrl: e.GRIDOPS_BASE_MAP_STYLE_URL ?? null,
    defaultLanguage: e.GRIDOPS_DEFAULT_LANGUAGE,
    webDir: e.GRIDOPS_WEB_DIR,
    secretKey: e.GRIDOPS_SECRET_KEY,
    secretKeyFile: path.resolve(e.GRIDOPS_SECRET_KEY_FILE ?? path.join(dataDir, "secret.key")),
    demoPassword: e.GRIDOPS_DEMO_PASSWORD,
    trustProxy: e.GRIDOPS_TRUST_PROXY,
    sessionTtlHours: e.GRIDOPS_SESSION_TTL_HOURS,
    plateRetentionDays: e.GRIDOPS_PLATE_RETENTION_DAYS,
    outboxRetentionHours: e.GRIDOPS_OUTBOX_RETENTION_HOURS,
    realtimeAdapter: e.GRIDOPS_REALTIME_ADAPTER,
    plateImageRetentionDays: Math.min(e.GRIDOPS_PLATE_IMAGE_RETENTION_DAYS ?? e.GRIDOPS_PLATE_RETENTION_DAYS, e.GRIDOPS_PLATE_RETENTION_DAYS),
    plateDedupeWindowMs: e.GRIDOPS_PLATE_DEDUPE_WINDOW_MS,
    deadLetterMaxBytes: e.GRIDOPS_DEAD_LETTER_MAX_BYTES,
    frigateMqttUrl: e.GRIDOPS_FRIGATE_MQTT_URL ?? null,
    plateGroupCommit: e.GRIDOPS_PLATE_GROUP_COMMIT,
    plateIngestPort: e.GRIDOPS_PLATE_INGEST_PORT ?? null,
    plateIngestProcesses: e.GRIDOPS_PLATE_INGEST_PROCESSES,
    attachmentMaxBytes: e.GRIDOPS_ATTACHMENT_MAX_BYTES,
    jobs: e.GRIDOPS_JOBS,
    webhookAllowLoopback: e.GRIDOPS_WEBHOOK_ALLOW_LOOPBACK,
    webhookTimeoutMs: e.GRIDOPS_WEBHOOK_TIMEOUT_MS,
    cameraOfflineEscalateMinutes: e.GRIDOPS_CAMERA_OFFLINE_ESCALATE_MINUTES,
    cameraOfflineEscalation: e.GRIDOPS_CAMERA_OFFLINE_ESCALATION,
    cameraCheckRetentionDays: e.GRIDOPS_CAMERA_CHECK_RETENTION_DAYS,
    discoveryTargets: parseTargets(e.GRIDOPS_DISCOVERY_TARGETS),
  };
}

function parseTargets(raw: string | undefined): { host: string; port: number }[] {
  if (!raw) return [];
  return raw.split(",").map((entry) => {
    const trimmed = entry.trim();
    const match = /^(.*?)(?::(\d{1,5}))?$/.exec(trimmed)!;
    return { host: match[1]!.replace(/^\[|\]$/g, ""), port: match[2] ? Number(match[2]) : 3702 };
  });
}
