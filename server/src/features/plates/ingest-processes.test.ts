import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitTransaction, type Pool } from "../../db/pool.js";
import { createLogger } from "../../logger.js";
import { serverRoot } from "../../package-root.js";
import { enqueueEvents } from "../../realtime/outbox.js";
import { connectClient, type RecordingClient } from "../../realtime/realtime-client.js";
import { cellChangedPayload } from "../../test-support/event-payloads.js";
import { createTestDatabase, type TestDatabase, testPg } from "../../test-support/test-db.js";
import { createApiToken, systemAuthFor } from "../auth/auth.service.js";
import { sequenceOnCommit } from "./ingest-processes.js";

/**
 * Decision 0141: `serve` with GRIDOPS_PLATE_INGEST_PORT forks worker processes that serve plate
 * pushes on that port. A real server process (tsx, as in production) with two workers: both
 * take pushes, a push raced by its retry on another connection (often another process) is
 * stored once, a hit committed by a worker reaches a Socket.IO client of the main port, and
 * the ingest port answers nothing but pushes.
 */
let db: TestDatabase;
let dataDir: string;
let pushToken: string;
let hitsToken: string;
let metricsToken: Promise<string>;
let server: { child: ChildProcess; url: string; ingestUrl: string; pids: number[] };
const LISTED = "粤B7E0141";

function startServer(): Promise<typeof server> {
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", path.join(serverRoot, "src", "main.ts"), "demo"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        GRIDOPS_LOG_LEVEL: "info",
        GRIDOPS_DATA_DIR: dataDir,
        DATABASE_URL: db.connectionString,
        PORT: "0",
        HOST: "127.0.0.1",
        GRIDOPS_JOBS: "false",
        GRIDOPS_PLATE_INGEST_PORT: "0",
        GRIDOPS_PLATE_INGEST_PROCESSES: "2",
      },
      cwd: serverRoot,
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 120_000);
    child.on("close", () => reject(new Error(`server exited: ${out}`)));
    child.stdout!.on("data", () => {
      const url = /running at (http:\/\/[^\s]+)/.exec(out);
      const ingest = /"ingestUrl":"(http:\/\/[^"]+)","processes":2,"pids":\[(\d+),(\d+)\]/.exec(out);
      if (url && ingest) {
        clearTimeout(timer);
        resolve({ child, url: url[1]!, ingestUrl: ingest[1]!, pids: [Number(ingest[2]), Number(ingest[3])] });
      }
    });
  });
}

async function tokenWith(permissions: ("plates:ingest" | "hits:read" | "metrics:read")[]): Promise<string> {
  const district = (
    await db.pool.query<{ codes: string[] }>(
      "SELECT array_agg(code) AS codes FROM cells WHERE level = 'district'",
    )
  ).rows[0]!.codes;
  const created = await createApiToken(
    db.pool,
    await systemAuthFor(db.pool, "test"),
    { name: permissions.join(" "), permissions, cellCodes: district, cameraIds: null, expiresAt: null },
    { ip: null, userAgent: null, requestId: null },
  );
  return created.token;
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  dataDir = path.join(testPg().root, `ingest-processes-${Date.now()}`);
  await fs.mkdir(dataDir);
  const camera = (
    await db.pool.query(
      "SELECT id FROM cameras WHERE checkpoint_id IS NOT NULL AND cell_code IS NOT NULL ORDER BY id LIMIT 1",
    )
  ).rows[0];
  await db.pool.query("INSERT INTO plate_devices (device_key, camera_id) VALUES ('mp-cam', $1)", [camera.id]);
  const hotlist = (
    await db.pool.query<{ id: number }>(
      "INSERT INTO hotlists (name, created_by_actor) VALUES ('mp', 'test') RETURNING id",
    )
  ).rows[0]!.id;
  await db.pool.query(
    `INSERT INTO hotlist_entries (hotlist_id, plate_text, match_level, reason_code, case_reference, priority, expires_at, created_by_actor)
     VALUES ($1, $2, 'exact', 'stolen_vehicle', 'MP', 'normal', now() + interval '1 day', 'test')`,
    [hotlist, LISTED],
  );
  pushToken = await tokenWith(["plates:ingest"]);
  hitsToken = await tokenWith(["hits:read"]);
  metricsToken = tokenWith(["metrics:read"]);
  server = await startServer();
}, 180_000);

afterAll(async () => {
  server?.child.kill("SIGTERM");
  if (server) await new Promise((r) => server.child.once("exit", r));
  await db?.drop();
});

/** utime + stime of a process, in clock ticks. */
const cpuTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
};

function push(agent: http.Agent, body: string, url = server.ingestUrl, auth = `Bearer ${pushToken}`) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/ingest/plates/generic`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: auth,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    // A connection the primary handed to a worker that died meanwhile is never answered.
    req.setTimeout(5000, () => req.destroy(new Error("no answer in 5 s")));
    req.on("error", reject);
    req.end(body);
  });
}

const readBody = (n: number, plate = `粤B${String(20000 + n).slice(-5)}`) =>
  JSON.stringify({
    plate,
    capturedAt: new Date(Date.now() - 1000).toISOString(),
    deviceId: "mp-cam",
    eventId: `mp-${n}`,
  });

describe("plate ingest worker processes", () => {
  it("spreads pushes over both workers and stores each read once, raced retries included", async () => {
    const before = server.pids.map(cpuTicks);
    // Keep-alive connections are handed to the workers in turn; a retry goes on a connection of its own.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const acknowledged = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < 1200) {
        const n = next++;
        const body = readBody(n);
        const retry = n % 10 === 0 ? push(new http.Agent({ keepAlive: false }), body) : null;
        for (const answer of await Promise.all([push(agent, body), ...(retry ? [retry] : [])])) {
          expect(answer.status).toBe(200);
          const id = (JSON.parse(answer.body) as { reads: { id: number }[] }).reads[0]!.id;
          const seen = acknowledged.get(`mp-${n}`);
          if (seen !== undefined) expect(id).toBe(seen); // the retry is answered with the same read
          acknowledged.set(`mp-${n}`, id);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    agent.destroy();
    const used = server.pids.map((pid, i) => cpuTicks(pid) - before[i]!);
    // Each worker did a share of the work (ticks are 10 ms; 1,200 pushes cost seconds of CPU).
    for (const ticks of used) expect(ticks).toBeGreaterThan(10);
    const { rows } = await db.pool.query<{ vendor_event_id: string; id: number }>(
      "SELECT vendor_event_id, id FROM plate_reads WHERE vendor_event_id LIKE 'mp-%'",
    );
    expect(rows).toHaveLength(1200);
    for (const row of rows) expect(acknowledged.get(row.vendor_event_id)).toBe(row.id);
    const apps = await db.pool.query<{ application_name: string }>(
      "SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name LIKE 'gridops-plate-ingest-%'",
    );
    expect(apps.rows.map((r) => r.application_name).sort()).toEqual([
      "gridops-plate-ingest-1",
      "gridops-plate-ingest-2",
    ]);
  }, 120_000);

  it("counts the workers' pushes in the main port's /metrics", async () => {
    // Pushes from a device nobody registered: dead letters, answered 202, which the demo's own
    // plate feed never causes, so this series counts exactly these pushes.
    const series =
      'gridops_http_request_duration_seconds_count{method="POST",route="/api/v1/ingest/plates/:format",status="202"} ';
    const scrape = async () => {
      const res = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${await metricsToken}` },
      });
      expect(res.status).toBe(200);
      return (await res.text()).split("\n");
    };
    const pushesCounted = (lines: string[]) => {
      // Summed, not repeated: one series per label set.
      const found = lines.filter((line) => line.startsWith(series));
      expect(found.length).toBeLessThanOrEqual(1);
      return Number(found[0]?.slice(series.length) ?? 0);
    };
    const before = pushesCounted(await scrape());
    const agent = new http.Agent({ keepAlive: false });
    // New connections alternate between the workers: both answer some of these.
    for (let n = 8000; n < 8010; n++) {
      const unknownDevice = JSON.stringify({ ...JSON.parse(readBody(n)), deviceId: "mp-nobody" });
      expect((await push(agent, unknownDevice)).status).toBe(202);
    }
    const lines = await scrape();
    expect(pushesCounted(lines)).toBe(before + 10);
    // The database gauges are counted once, by the main process: their states add up to the fleet.
    const fleet = (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cameras")).rows[0]!.n;
    const byState = lines.filter((line) => line.startsWith("gridops_cameras{"));
    expect(byState.reduce((sum, line) => sum + Number(line.split(" ")[1]), 0)).toBe(fleet);
    // The main process's own process metrics stay (summed start times would mean nothing).
    expect(lines.some((line) => /^gridops_process_process_start_time_seconds \d+/.test(line))).toBe(true);
  }, 30_000);

  it("delivers a hit committed by a worker to a Socket.IO client of the main port", async () => {
    let client: RecordingClient | null = null;
    try {
      client = await connectClient(server.url, { token: hitsToken });
      const agent = new http.Agent({ keepAlive: false });
      const sent = performance.now();
      expect((await push(agent, readBody(5000, LISTED))).status).toBe(200);
      while (!client.events.some((e) => e.topic === "hotlist.hit") && performance.now() - sent < 10_000)
        await new Promise((r) => setTimeout(r, 10));
      const at = client.events.findIndex((e) => e.topic === "hotlist.hit");
      expect(at).toBeGreaterThanOrEqual(0);
      expect((client.events[at]!.payload as { plate: string }).plate).toBe(LISTED);
    } finally {
      client?.close();
    }
  }, 30_000);

  it("answers pushes the listener leaves to Express the same way, and nothing else", async () => {
    const agent = new http.Agent({ keepAlive: false });
    const wrong = await push(agent, readBody(6000), server.ingestUrl, "Bearer gto_not-a-token");
    const wrongMain = await push(agent, readBody(6000), server.url, "Bearer gto_not-a-token");
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.code).toBe(JSON.parse(wrongMain.body).error.code);
    const other = await fetch(`${server.ingestUrl}/api/v1/config`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("route_not_found");
  }, 30_000);
});

/** Pids of the server's live ingest workers (children running the worker command). */
function workerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (ppid === server.child.pid && state !== "Z" && cmd.includes("plate-ingest-worker"))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("a plate ingest worker that dies", () => {
  it("is replaced, and pushes keep being stored meanwhile", async () => {
    expect(workerPids().sort()).toEqual([...server.pids].sort());
    process.kill(server.pids[0]!, "SIGKILL");
    const agent = new http.Agent({ keepAlive: false });
    for (let n = 7000; n < 7040; n++) {
      // A connection handed to the dying worker fails or is never answered; the camera retries.
      let status = 0;
      for (let attempt = 0; attempt < 3 && status !== 200; attempt++)
        status = (await push(agent, readBody(n)).catch(() => ({ status: 0 }))).status;
      expect(status).toBe(200);
    }
    let pids = workerPids();
    for (let i = 0; i < 100 && (pids.length < 2 || pids.includes(server.pids[0]!)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pids = workerPids();
    }
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(server.pids[0]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM plate_reads WHERE vendor_event_id ~ '^mp-70[0-9]{2}$'",
    );
    expect(rows[0]!.n).toBe(40);
  }, 60_000);
});

describe("sequenceOnCommit", () => {
  // A database of its own: no relay anywhere polls it, so only the sequencer can publish.
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase({ demo: true });
  }, 60_000);
  afterAll(() => own?.drop());

  const seqOf = async (pool: Pool, id: number) =>
    (await pool.query<{ seq: number | null }>("SELECT seq FROM outbox WHERE id = $1", [id])).rows[0]!.seq;

  it("gives a committed event its seq without a relay", async () => {
    const cell = (await own.pool.query<{ code: string }>("SELECT code FROM cells ORDER BY code LIMIT 1"))
      .rows[0]!.code;
    const event = { topic: "cell.changed" as const, cellCode: cell, payload: cellChangedPayload(cell, 1) };
    const client = await own.pool.connect();
    try {
      // Without the sequencer a committed event stays unpublished.
      await client.query("BEGIN");
      const [unsequenced] = await enqueueEvents(client, [event]);
      await commitTransaction(client);
      await new Promise((r) => setTimeout(r, 300));
      expect(await seqOf(own.pool, unsequenced!)).toBeNull();

      const stop = sequenceOnCommit(own.pool, createLogger("silent"));
      try {
        await client.query("BEGIN");
        const [id] = await enqueueEvents(client, [event]);
        await commitTransaction(client);
        let seq: number | null = null;
        for (let i = 0; i < 100 && seq === null; i++) {
          seq = await seqOf(own.pool, id!);
          if (seq === null) await new Promise((r) => setTimeout(r, 20));
        }
        expect(seq).not.toBeNull();
        // Rows committed before it are published with it, in order.
        expect(await seqOf(own.pool, unsequenced!)).toBe(seq! - 1);
      } finally {
        stop();
      }
    } finally {
      client.release();
    }
  });
});
