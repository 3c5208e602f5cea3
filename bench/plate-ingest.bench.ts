/**
 * Plate ingest over HTTP on loopback: a GridOps server process (child), 100,000 hotlist
 * entries (exact, confusable, confusable_plus_one), many concurrent vendor-style pushes of one
 * read each through POST /api/v1/ingest/plates/generic, each answered only after commit.
 * Checks no loss (every 2xx read is in plate_reads) and no duplicates.
 *
 * Same run baselines: the same load against a server with group commit off (one
 * transaction per push, GRIDOPS_PLATE_GROUP_COMMIT=false), and a raw COPY of as many rows
 * straight into plate_reads (the database's ceiling, no HTTP, no checks).
 *
 * Environment (defaults in brackets):
 *   GRIDOPS_BENCH_PLATE_SECONDS     [20]  seconds per mode (the full run is 60)
 *   GRIDOPS_BENCH_PLATE_CONCURRENCY [96]  pushes in flight
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { from as copyFrom } from "pg-copy-streams";
import { createApiToken, systemAuthFor } from "../server/src/features/auth/auth.service.js";
import type { BenchResult } from "./support/bench-types.js";
import { type BenchDatabase, startBenchDatabase } from "./support/database.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.GRIDOPS_BENCH_PLATE_SECONDS ?? 20);
const concurrency = Number(process.env.GRIDOPS_BENCH_PLATE_CONCURRENCY ?? 96);
const HOTLIST_ENTRIES = 100_000;
const DEVICES = 32;
const TOKENS = 16;
const PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

async function startServer(
  db: BenchDatabase,
  groupCommit: boolean,
): Promise<{ child: ChildProcess; url: string }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "gridops-bench-plates-"));
  const child = spawn(
    process.execPath,
    [
      "--conditions=development",
      "--import",
      "tsx",
      path.join(here, "..", "server", "src", "main.ts"),
      "serve",
    ],
    {
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: db.connectionString,
        GRIDOPS_DATA_DIR: dataDir,
        GRIDOPS_SECRET_KEY: randomBytes(32).toString("hex"),
        GRIDOPS_LOG_LEVEL: "info",
        GRIDOPS_JOBS: "false",
        GRIDOPS_DB_POOL_MAX: "24",
        GRIDOPS_PLATE_GROUP_COMMIT: groupCommit ? "true" : "false",
        PORT: "0",
        HOST: "127.0.0.1",
        NODE_ENV: "production",
      },
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out.slice(-2000)}`)), 90_000);
    child.on("close", () => reject(new Error(`server exited: ${out.slice(-2000)}`)));
    child.stdout!.on("data", () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
  });
}

function plateFor(n: number): string {
  return `${PROVINCES[n % PROVINCES.length]}${String.fromCharCode(65 + ((n >> 5) % 24))}${String(n).padStart(5, "0").slice(-5)}`;
}

async function setUp(db: BenchDatabase): Promise<string[]> {
  const cameras = (
    await db.pool.query<{ id: string }>(
      "SELECT id FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT $1",
      [DEVICES],
    )
  ).rows;
  await db.pool.query(
    "INSERT INTO plate_devices (device_key, camera_id) SELECT 'bench-' || i, c.id FROM unnest($1::text[]) WITH ORDINALITY AS c(id, i)",
    [cameras.map((c) => c.id)],
  );
  const hotlist = (
    await db.pool.query<{ id: number }>(
      "INSERT INTO hotlists (name, created_by_actor) VALUES ('bench', 'bench') RETURNING id",
    )
  ).rows[0]!.id;
  // 100,000 entries: plates never pushed by the load below except every 1000th, so hits are rare as in life.
  await db.pool.query(
    `INSERT INTO hotlist_entries (hotlist_id, plate_text, match_level, reason_code, case_reference, priority, expires_at, created_by_actor)
     SELECT $1, CASE WHEN i % 1000 = 0 THEN ($2::text[])[(i / 1000) % 50 + 1] ELSE 'ZZ' || lpad(i::text, 6, '0') END,
            (ARRAY['exact', 'exact', 'confusable', 'confusable_plus_one'])[i % 4 + 1], 'stolen_vehicle', 'BENCH', 'normal',
            now() + interval '30 days', 'bench'
       FROM generate_series(1, $3) AS i`,
    [hotlist, Array.from({ length: 50 }, (_, i) => plateFor(i * 7919)), HOTLIST_ENTRIES],
  );
  const district = (
    await db.pool.query<{ codes: string[] }>(
      "SELECT array_agg(code) AS codes FROM cells WHERE level = 'district'",
    )
  ).rows[0]!.codes;
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const created = await createApiToken(
      db.pool,
      await systemAuthFor(db.pool, "bench"),
      {
        name: `bench ${i}`,
        permissions: ["plates:ingest"],
        cellCodes: district,
        cameraIds: null,
        expiresAt: null,
      },
      { ip: null, userAgent: null, requestId: null },
    );
    tokens.push(created.token);
  }
  return tokens;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function post(url: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/ingest/plates/generic`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface LoadResult {
  acked: number;
  failed: number;
  seconds: number;
  latencies: number[];
  firstSeq: number;
  lastSeq: number;
}

async function load(url: string, tokens: string[], startSeq: number, durationS: number): Promise<LoadResult> {
  let seq = startSeq;
  let acked = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationS * 1000;
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const n = seq++;
      const body = JSON.stringify({
        plate: plateFor(n),
        capturedAt: new Date(Date.now() - 2000).toISOString(),
        deviceId: `bench-${(n % DEVICES) + 1}`,
        eventId: `bench-${n}`,
      });
      const t0 = performance.now();
      const status = await post(url, tokens[w % tokens.length]!, body).catch(() => 0);
      latencies.push(performance.now() - t0);
      if (status === 200) acked += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    acked,
    failed,
    seconds: (performance.now() - started) / 1000,
    latencies,
    firstSeq: startSeq,
    lastSeq: seq,
  };
}

async function verify(db: BenchDatabase, r: LoadResult): Promise<{ stored: number; duplicates: number }> {
  const { rows } = await db.pool.query<{ stored: number; distinct_events: number }>(
    `SELECT count(*)::int AS stored, count(DISTINCT vendor_event_id)::int AS distinct_events FROM plate_reads
      WHERE vendor_event_id LIKE 'bench-%' AND substring(vendor_event_id from 7)::bigint >= $1 AND substring(vendor_event_id from 7)::bigint < $2`,
    [r.firstSeq, r.lastSeq],
  );
  return { stored: rows[0]!.stored, duplicates: rows[0]!.stored - rows[0]!.distinct_events };
}

/** COPY of `count` read rows straight into plate_reads (no HTTP, no duplicate check): the ceiling. */
async function rawCopy(db: BenchDatabase, count: number): Promise<number> {
  const device = (
    await db.pool.query<{ id: number; camera_id: string }>(
      "SELECT id, camera_id FROM plate_devices ORDER BY id LIMIT 1",
    )
  ).rows[0]!;
  const now = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      `${now}\t${now}\t${plateFor(9_000_000 + i)}\t${plateFor(9_000_000 + i)}\tblue\tt\tregular\tgeneric\t${device.id}\t${device.camera_id}\tcopy-${i}\n`,
    );
  }
  const client = await db.pool.connect();
  try {
    const started = performance.now();
    await pipeline(
      (async function* () {
        for (let i = 0; i < lines.length; i += 5000) yield lines.slice(i, i + 5000).join("");
      })(),
      client.query(
        copyFrom(
          "COPY plate_reads (captured_at, received_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind, format, device_id, camera_id, vendor_event_id) FROM STDIN",
        ),
      ),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    client.release();
  }
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
};

export async function run(): Promise<BenchResult[]> {
  const db = await startBenchDatabase({ demo: true });
  let server: { child: ChildProcess; url: string } | null = null;
  try {
    const tokens = await setUp(db);
    server = await startServer(db, true);
    await load(server.url, tokens, 0, 2); // warm-up: JIT, connections, partitions
    const grouped = await load(server.url, tokens, 10_000_000, seconds);
    const groupedCheck = await verify(db, grouped);
    server.child.kill("SIGTERM");
    server = await startServer(db, false);
    const naive = await load(server.url, tokens, 20_000_000, seconds);
    const naiveCheck = await verify(db, naive);
    const copyRate = await rawCopy(db, Math.max(10_000, grouped.acked));
    const hits = (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM hotlist_hits")).rows[0]!
      .n;
    const groupedRate = grouped.acked / grouped.seconds;
    const naiveRate = naive.acked / naive.seconds;
    const lost = grouped.acked - groupedCheck.stored + (naive.acked - naiveCheck.stored);
    if (lost !== 0 || groupedCheck.duplicates + naiveCheck.duplicates !== 0) {
      throw new Error(
        `ingest lost ${lost} acknowledged reads or stored duplicates (${groupedCheck.duplicates + naiveCheck.duplicates})`,
      );
    }
    const note = `${seconds} s, ${concurrency} pushes in flight, 1 read per push, ${HOTLIST_ENTRIES.toLocaleString("en")} hotlist entries, ${hits} hits; 0 lost, 0 duplicates`;
    return [
      {
        name: "HTTP ingest with group commit",
        value: groupedRate,
        unit: "reads/s",
        baseline: { name: "one transaction per push", value: naiveRate },
        ratio: groupedRate / naiveRate,
        note: `${note}; ${grouped.failed + naive.failed} non-2xx`,
      },
      {
        name: "HTTP ingest with group commit vs raw COPY",
        value: groupedRate,
        unit: "reads/s",
        baseline: { name: "COPY into plate_reads (no HTTP, no checks)", value: copyRate },
        ratio: groupedRate / copyRate,
      },
      {
        name: "push latency p99 (group commit)",
        value: p99(grouped.latencies),
        unit: "ms",
        baseline: { name: "one transaction per push", value: p99(naive.latencies) },
        ratio: p99(grouped.latencies) / p99(naive.latencies),
      },
    ];
  } finally {
    server?.child.kill("SIGTERM");
    agent.destroy();
    await new Promise((r) => setTimeout(r, 500));
    await db.close();
  }
}
