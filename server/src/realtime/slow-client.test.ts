import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createApiToken, systemAuthFor } from "../features/auth/auth.service.js";
import { keyringOf } from "../features/secrets/keyring.js";
import { createLogger } from "../logger.js";
import { depsOf } from "../runtime.js";
import { cellChangedPayload } from "../test-support/event-payloads.js";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db.js";
import type { CellChangedPayload } from "./events.js";
import { type AnyNewEvent, enqueueEvents } from "./outbox.js";
import { type Realtime, startRealtime } from "./realtime.js";
import { type ClientSocket, connectClient, type RecordingClient } from "./realtime-client.js";

let db: TestDatabase;
let server: http.Server;
let realtime: Realtime;
let url: string;
let token: string;
let grid: string;
const clients: RecordingClient[] = [];

/** The TCP socket under socket.io-client's WebSocket transport (engine.io-client → ws). */
function tcpOf(socket: ClientSocket): NetSocket {
  const engine = socket.io.engine as unknown as { transport: { ws: { _socket: NetSocket } } };
  return engine.transport.ws._socket;
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  grid = (await db.pool.query("SELECT code FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1")).rows[0]
    .code;
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: db.connectionString,
    GRIDOPS_LOG_LEVEL: "silent",
  });
  const deps = depsOf(config, db.pool, createLogger("silent"), keyringOf([randomBytes(32)]));
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  realtime = await startRealtime(server, deps, {
    postgresAdapter: false,
    slowClients: { sendBufferLimit: 50, maxLagMs: 20_000, checkIntervalMs: 50 },
    maxHttpBufferSize: 4096,
  });
  ({ token } = await createApiToken(
    db.pool,
    await systemAuthFor(db.pool, "test"),
    { name: "wall", permissions: ["cells:read"], cellCodes: [grid], cameraIds: null, expiresAt: null },
    { ip: null, userAgent: null, requestId: null },
  ));
});

afterAll(async () => {
  for (const client of clients) client.close();
  await realtime?.close();
  await db?.drop();
});

describe("slow clients", () => {
  it("are held and caught up from the outbox while fast clients keep getting everything in order", async () => {
    const fast = await connectClient(url, { token });
    const slow = await connectClient(url, { token });
    clients.push(fast, slow);
    tcpOf(slow.socket).pause();

    // ~24 MB in total: more than loopback socket buffers hold, so the slow client's backlog grows.
    const padding = "x".repeat(8000);
    const total = 3000;
    for (let start = 0; start < total; start += 250) {
      const batch = Array.from(
        { length: 250 },
        (_, i): AnyNewEvent => ({
          topic: "cell.changed",
          cellCode: grid,
          // Padded past a socket's buffer size; extra fields travel as they are.
          payload: { ...cellChangedPayload(grid, start + i), note: padding } as CellChangedPayload,
        }),
      );
      await enqueueEvents(db.pool, batch);
    }
    await expect.poll(() => fast.events.length, { timeout: 20_000 }).toBe(total);
    const versions = (c: RecordingClient) => c.events.map((e) => (e.payload as CellChangedPayload).version);
    expect(versions(fast)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(realtime.stats.lagged).toBeGreaterThanOrEqual(1);
    expect(slow.events.length).toBeLessThan(total);

    tcpOf(slow.socket).resume();
    await expect.poll(() => slow.events.length, { timeout: 20_000 }).toBe(total);
    expect(versions(slow)).toEqual(versions(fast));
    expect(slow.events.map((e) => e.seq)).toEqual(fast.events.map((e) => e.seq));
    expect(realtime.stats.catchUpEvents).toBeGreaterThan(0);
    expect(realtime.stats.dropped).toBe(0);
  }, 60_000);

  it("disconnects a client that sends a message larger than maxHttpBufferSize", async () => {
    const client = await connectClient(url, { token });
    clients.push(client);
    const closed = new Promise<string>((resolve) =>
      client.socket.on("disconnect", (reason) => resolve(reason)),
    );
    client.socket.emit("join", { room: `cell:${"A".repeat(10_000)}` }, () => {});
    expect(await closed).toBe("transport close");
  });
});
