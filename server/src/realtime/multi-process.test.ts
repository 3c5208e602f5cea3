import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createPool, type Pool } from "../db/pool.js";
import { keyringOf } from "../features/secrets/keyring.js";
import { createLogger } from "../logger.js";
import { depsOf, type RunningServer, startHttpServer } from "../runtime.js";
import { cellChangedPayload, hotlistHitPayload } from "../test-support/event-payloads.js";
import { startTestServer, type TestServer } from "../test-support/test-server.js";
import type { AnyNewEvent } from "./outbox.js";
import { enqueueEvents } from "./outbox.js";
import { connectClient, loginCookie, type RecordingClient } from "./realtime-client.js";

/**
 * Two real server processes' worth of state (two HTTP servers, two pools, two relays, the
 * PostgreSQL adapter between them) on one database: every eligible client gets every event
 * exactly once, whichever process it is connected to and whichever process wrote the event.
 */
let a: TestServer;
let b: RunningServer;
let poolB: Pool;
let grid1: string;
let grid2: string;
const clients: { name: string; client: RecordingClient }[] = [];

beforeAll(async () => {
  a = await startTestServer();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: a.db.connectionString,
    GRIDOPS_LOG_LEVEL: process.env.GRIDOPS_TEST_LOG_LEVEL ?? "silent",
  });
  poolB = createPool(a.db.connectionString, 10);
  b = await startHttpServer(
    depsOf(config, poolB, createLogger(config.logLevel), keyringOf([randomBytes(32)])),
  );
  const { rows } = await a.db.pool.query<{ username: string; cell_code: string }>(
    "SELECT u.username, uc.cell_code FROM users u JOIN user_cells uc ON uc.user_id = u.id WHERE u.username IN ('leader1', 'leader2')",
  );
  grid1 = rows.find((r) => r.username === "leader1")!.cell_code;
  grid2 = rows.find((r) => r.username === "leader2")!.cell_code;
});

afterAll(async () => {
  for (const { client } of clients) client.close();
  await b?.close();
  await poolB?.end();
  await a?.close();
});

async function connect(server: "A" | "B", username: string) {
  const url = server === "A" ? a.url : b.url;
  const client = await connectClient(url, { cookie: await loginCookie(url, username, a.demoPassword) });
  clients.push({ name: `${username}@${server}`, client });
  return client;
}

describe("two server processes on one database", () => {
  it("deliver every event exactly once to every eligible client", async () => {
    for (const server of ["A", "B"] as const) {
      for (const user of ["commander", "leader1", "leader2", "tech1", "analyst1"])
        await connect(server, user);
    }
    // The adapter links the two: each sees the other's sockets. Relaying through it would double-deliver.
    await expect
      .poll(async () => (await a.server.realtime.io.fetchSockets()).length, { timeout: 10_000 })
      .toBe(10);

    const events: AnyNewEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const cell = i % 2 === 0 ? grid1 : grid2;
      events.push(
        i % 5 === 0
          ? {
              topic: "hotlist.hit",
              cellCode: cell,
              payload: hotlistHitPayload(i, cell, "粤B12345"),
            }
          : {
              topic: "cell.changed",
              cellCode: cell,
              payload: cellChangedPayload(cell, i),
            },
      );
    }
    // Written in small transactions from both processes' pools at once, so both sequencers compete.
    await Promise.all(
      Array.from({ length: 30 }, (_, t) =>
        enqueueEvents(t % 2 === 0 ? a.db.pool : poolB, events.slice(t * 10, t * 10 + 10)),
      ),
    );

    const expected = (name: string) => {
      const user = name.split("@")[0]!;
      return events.filter((e) => {
        if (e.topic === "hotlist.hit") return user === "commander" || user === "analyst1";
        return user !== "leader1" && user !== "leader2"
          ? true
          : e.cellCode === (user === "leader1" ? grid1 : grid2);
      }).length;
    };
    for (const { name, client } of clients) {
      await expect
        .poll(() => client.events.length, { timeout: 10_000, message: name })
        .toBeGreaterThanOrEqual(expected(name));
    }
    await new Promise((r) => setTimeout(r, 300));
    const commanderSeqs = clients.find((c) => c.name === "commander@A")!.client.events.map((e) => e.seq);
    for (const { name, client } of clients) {
      const seqs = client.events.map((e) => e.seq);
      expect(seqs.length, name).toBe(expected(name));
      expect(new Set(seqs).size, name).toBe(seqs.length);
      expect(
        [...seqs].sort((x, y) => x - y),
        name,
      ).toEqual(seqs);
      if (name.startsWith("commander")) expect(seqs, name).toEqual(commanderSeqs);
      if (name.startsWith("tech1") || name.startsWith("leader")) {
        expect(
          client.events.some((e) => e.topic === "hotlist.hit"),
          name,
        ).toBe(false);
      }
    }
    expect(commanderSeqs).toEqual(Array.from({ length: 300 }, (_, i) => commanderSeqs[0]! + i));
    expect(a.server.realtime.relay.stats.sequenced + b.realtime.relay.stats.sequenced).toBe(300);
  });

  it("resumes a client on the other process from its last seq with nothing lost or repeated", async () => {
    const onA = await connect("A", "commander");
    const watcher = await connect("B", "commander");
    const start = onA.ready.position;
    const burst = (from: number) =>
      Array.from(
        { length: 50 },
        (_, i): AnyNewEvent => ({
          topic: "cell.changed",
          cellCode: grid1,
          payload: cellChangedPayload(grid1, from + i),
        }),
      );
    await enqueueEvents(a.db.pool, burst(0));
    await expect.poll(() => onA.events.length).toBe(50);
    onA.close();
    await enqueueEvents(poolB, burst(50));
    const resumed = await connectClient(b.url, {
      cookie: await loginCookie(b.url, "commander", a.demoPassword),
      lastSeq: onA.lastSeq(),
    });
    clients.push({ name: "commander@B resumed", client: resumed });
    await enqueueEvents(a.db.pool, burst(100));
    await expect.poll(() => watcher.events.length).toBe(150);
    await expect.poll(() => onA.events.length + resumed.events.length).toBeGreaterThanOrEqual(150);
    const seqs = [...onA.events, ...resumed.events].map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => start + 1 + i));
    expect(seqs).toEqual(watcher.events.map((e) => e.seq));
  });

  it("works the same with the second server in a separate operating-system process", async () => {
    const child = await startServerProcess(a.db.connectionString);
    try {
      const inParent = await connect("A", "commander");
      const inChild = await connectClient(child.url, {
        cookie: await loginCookie(child.url, "commander", a.demoPassword),
      });
      const leaderInChild = await connectClient(child.url, {
        cookie: await loginCookie(child.url, "leader2", a.demoPassword),
      });
      clients.push(
        { name: "commander@child", client: inChild },
        { name: "leader2@child", client: leaderInChild },
      );
      const events = Array.from({ length: 100 }, (_, i): AnyNewEvent => {
        const cell = i % 2 === 0 ? grid1 : grid2;
        return {
          topic: "cell.changed",
          cellCode: cell,
          payload: cellChangedPayload(cell, 20_000 + i),
        };
      });
      await Promise.all(
        Array.from({ length: 10 }, (_, t) => enqueueEvents(a.db.pool, events.slice(t * 10, t * 10 + 10))),
      );
      await expect.poll(() => inChild.events.length, { timeout: 10_000 }).toBe(100);
      await expect.poll(() => inParent.events.length, { timeout: 10_000 }).toBe(100);
      await expect.poll(() => leaderInChild.events.length, { timeout: 10_000 }).toBe(50);
      await new Promise((r) => setTimeout(r, 300));
      expect(inChild.events.map((e) => e.seq)).toEqual(inParent.events.map((e) => e.seq));
      expect(inChild.events.length).toBe(100);
      expect(leaderInChild.events.every((e) => e.cellCode === grid2)).toBe(true);
      expect(leaderInChild.events.length).toBe(50);
    } finally {
      await child.stop();
    }
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** `gridops`'s own startHttpServer in a child Node process (through tsx, from the sources). */
async function startServerProcess(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const script = `
    import { randomBytes } from "node:crypto";
    import { loadConfig } from "./server/src/config.ts";
    import { createPool } from "./server/src/db/pool.ts";
    import { keyringOf } from "./server/src/features/secrets/keyring.ts";
    import { createLogger } from "./server/src/logger.ts";
    import { depsOf, startHttpServer } from "./server/src/runtime.ts";
    const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", GRIDOPS_LOG_LEVEL: "silent", GRIDOPS_JOBS: "false" });
    const pool = createPool(config.databaseUrl, 5);
    const server = await startHttpServer(depsOf(config, pool, createLogger("silent"), keyringOf([randomBytes(32)])));
    console.log(JSON.stringify({ url: server.url }));
    process.on("SIGTERM", async () => { await server.close(); await pool.end(); process.exit(0); });
  `;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions", "development", "--input-type=module", "-e", script],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`server process exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
