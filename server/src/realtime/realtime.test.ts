import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../db/pool.js";
import { createApiToken, systemAuthFor } from "../features/auth/auth.service.js";
import { cellChangedPayload, hotlistHitPayload, incidentPayload } from "../test-support/event-payloads.js";
import { startTestServer, type TestServer } from "../test-support/test-server.js";
import type {
  Ack,
  CameraStatusPayload,
  CellChangedPayload,
  IncidentCreatedPayload,
  RealtimeEvent,
} from "./events.js";
import { enqueueEvent, enqueueEvents } from "./outbox.js";
import {
  type ConnectOptions,
  ConnectRefused,
  connectClient,
  loginCookie,
  type RecordingClient,
} from "./realtime-client.js";

let ts: TestServer;
const cookies = new Map<string, string>();
let district: string;
let grid1: string;
let grid2: string;
let camera1: { id: string; cell: string };
const open: RecordingClient[] = [];

const incident = incidentPayload;

const hit = hotlistHitPayload;

async function as(username: string, options: Omit<ConnectOptions, "cookie"> = {}): Promise<RecordingClient> {
  let cookie = cookies.get(username);
  if (!cookie) {
    cookie = await loginCookie(ts.url, username, ts.demoPassword);
    cookies.set(username, cookie);
  }
  const client = await connectClient(ts.url, { cookie, ...options });
  open.push(client);
  return client;
}

function request<T extends object>(
  client: RecordingClient,
  event: "join" | "leave" | "catch_up",
  payload: unknown,
): Promise<Ack<T>> {
  return client.socket.timeout(5000).emitWithAck(event as "join", payload as never) as unknown as Promise<
    Ack<T>
  >;
}

const incidentIds = (client: RecordingClient) =>
  client.events
    .filter((e) => e.topic === "incident.created")
    .map((e) => (e.payload as IncidentCreatedPayload).incident.id);

/** Publishes a marker and waits until `client` has it: everything committed before it has been relayed. */
async function settledWith(client: RecordingClient, cellCode = grid1): Promise<void> {
  const markerId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
  await enqueueEvent(ts.db.pool, {
    topic: "cell.changed",
    cellCode,
    payload: cellChangedPayload(cellCode, markerId),
  });
  const arrived = () =>
    client.events.some(
      (e) => e.topic === "cell.changed" && (e.payload as CellChangedPayload).version === markerId,
    );
  await expect.poll(arrived, { timeout: 5000 }).toBe(true);
}

beforeAll(async () => {
  ts = await startTestServer();
  const { rows } = await ts.db.pool.query<{ username: string; cell_code: string }>(
    "SELECT u.username, uc.cell_code FROM users u JOIN user_cells uc ON uc.user_id = u.id WHERE u.username IN ('leader1', 'leader2', 'commander')",
  );
  const cellOf = (u: string) => rows.find((r) => r.username === u)!.cell_code;
  district = cellOf("commander");
  grid1 = cellOf("leader1");
  grid2 = cellOf("leader2");
  const cam = await ts.db.pool.query<{ id: string; cell_code: string }>(
    "SELECT id, cell_code FROM cameras WHERE cell_code IS NOT NULL ORDER BY id LIMIT 1",
  );
  camera1 = { id: cam.rows[0]!.id, cell: cam.rows[0]!.cell_code };
});

afterAll(async () => {
  for (const client of open) client.close();
  await ts?.close();
});

describe("handshake", () => {
  it("refuses a connection without credentials, with a bad token, or with a dead session", async () => {
    await expect(connectClient(ts.url, {})).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(
      connectClient(ts.url, { token: "gto_1_notarealsecretnotarealsecret" }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
    });
    await expect(
      connectClient(ts.url, { cookie: "gridops_session=forged-session-id" }),
    ).rejects.toBeInstanceOf(ConnectRefused);
    expect(ts.server.realtime.stats.rejectedHandshakes).toBeGreaterThanOrEqual(3);
  });

  it("refuses a cookie-authenticated handshake from another site's page", async () => {
    const cookie = await loginCookie(ts.url, "viewer", ts.demoPassword);
    await expect(connectClient(ts.url, { cookie, origin: "https://evil.example" })).rejects.toMatchObject({
      code: "origin_forbidden",
    });
    const same = await connectClient(ts.url, { cookie, origin: ts.url });
    same.close();
  });

  it("accepts an API token in the Authorization header or the auth field, and joins its cells", async () => {
    const { token } = await createApiToken(
      ts.db.pool,
      await systemAuthFor(ts.db.pool, "test"),
      {
        name: "map wall",
        permissions: ["incidents:read", "cells:read"],
        cellCodes: [grid1],
        cameraIds: null,
        expiresAt: null,
      },
      { ip: null, userAgent: null, requestId: null },
    );
    const inHeader = await connectClient(ts.url, { token, tokenInHeader: true });
    const inAuth = await connectClient(ts.url, { token });
    open.push(inHeader, inAuth);
    expect(inHeader.ready.rooms).toEqual([`cell:${grid1}`]);
    await settledWith(inAuth);
    await settledWith(inHeader);
  });

  it("leaves out handshake rooms the caller may not see, reports them, and connects anyway", async () => {
    const leader = await as("leader1", { rooms: [`cell:${grid2}`, "bogus" as never, `cell:${grid1}`] });
    expect(leader.ready.refused).toEqual([
      { room: `cell:${grid2}`, code: "room_forbidden" },
      { room: "bogus", code: "unknown_room" },
    ]);
    expect(leader.ready.rooms.sort()).toEqual([`cell:${grid1}`, "role:grid_leader"].sort());
    await expect(as("leader1", { rooms: "cell:x" as never })).rejects.toMatchObject({
      code: "invalid_payload",
    });
  });
});

describe("long-polling", () => {
  it("authenticates by cookie and streams events over HTTP long-polling too", async () => {
    const cookie = await loginCookie(ts.url, "leader1", ts.demoPassword);
    const polling = await connectClient(ts.url, { cookie, transports: ["polling"] });
    open.push(polling);
    expect(polling.socket.io.engine.transport.name).toBe("polling");
    await enqueueEvent(ts.db.pool, {
      topic: "incident.created",
      cellCode: grid1,
      payload: incident(8080, grid1),
    });
    await settledWith(polling);
    expect(incidentIds(polling)).toEqual([8080]);
    await expect(connectClient(ts.url, { transports: ["polling"] })).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });
});

describe("rooms and routing", () => {
  it("puts each client in its assigned cells' and roles' rooms", async () => {
    const leader = await as("leader1");
    const commander = await as("commander");
    expect(leader.ready.rooms.sort()).toEqual([`cell:${grid1}`, "role:grid_leader"].sort());
    expect(commander.ready.rooms.sort()).toEqual([`cell:${district}`, "role:commander"].sort());
  });

  it("authorises every join: no other grid, no enclosing cell, no camera without health:read", async () => {
    const leader = await as("leader1");
    const parent = (await ts.db.pool.query("SELECT parent_code FROM cells WHERE code = $1", [grid1])).rows[0]
      .parent_code;
    expect(await request(leader, "join", { room: `cell:${grid2}` })).toMatchObject({
      ok: false,
      error: { code: "room_forbidden" },
    });
    expect(await request(leader, "join", { room: `cell:${parent}` })).toMatchObject({
      ok: false,
      error: { code: "room_forbidden" },
    });
    expect(await request(leader, "join", { room: `camera:${camera1.id}` })).toMatchObject({
      ok: false,
      error: { code: "room_forbidden" },
    });
    expect(await request(leader, "join", { room: "role:commander" })).toMatchObject({
      ok: false,
      error: { code: "room_forbidden" },
    });
    expect(await request(leader, "join", { room: "cell:NOPE" })).toMatchObject({
      ok: false,
      error: { code: "room_forbidden" },
    });
    const tech = await as("tech1");
    const joined = await request<{ rooms: string[] }>(tech, "join", { room: `camera:${camera1.id}` });
    expect(joined).toMatchObject({ ok: true });
    expect(joined.ok && joined.rooms).toContain(`camera:${camera1.id}`);
    expect(await request(tech, "leave", { room: `camera:${camera1.id}` })).toMatchObject({ ok: true });
  });

  it("routes a grid's event to its leader and the district, not to another grid's leader", async () => {
    const leader1 = await as("leader1");
    const leader2 = await as("leader2");
    const commander = await as("commander");
    await enqueueEvent(ts.db.pool, {
      topic: "incident.created",
      cellCode: grid1,
      payload: incident(101, grid1),
    });
    await settledWith(leader2, grid2);
    await settledWith(leader1);
    expect(incidentIds(leader1)).toContain(101);
    expect(incidentIds(commander)).toContain(101);
    expect(incidentIds(leader2)).not.toContain(101);
    const event = leader1.events.find(
      (e) => e.topic === "incident.created" && (e.payload as IncidentCreatedPayload).incident.id === 101,
    );
    expect(event?.cellCode).toBe(grid1);
  });

  it("never sends plate data to technicians or grid leaders", async () => {
    const tech = await as("tech1");
    const leader = await as("leader1");
    const commander = await as("commander");
    const analyst = await as("analyst1");
    await enqueueEvent(ts.db.pool, { topic: "hotlist.hit", cellCode: grid1, payload: hit(7, grid1) });
    await settledWith(leader);
    await settledWith(tech);
    await expect.poll(() => commander.events.some((e) => e.topic === "hotlist.hit")).toBe(true);
    await expect.poll(() => analyst.events.some((e) => e.topic === "hotlist.hit")).toBe(true);
    expect(tech.events.some((e) => e.topic === "hotlist.hit")).toBe(false);
    expect(leader.events.some((e) => e.topic === "hotlist.hit")).toBe(false);
  });

  it("adds an event's own permission to the topic's: incidents from hits reach only hit readers", async () => {
    const leader = await as("leader1");
    const commander = await as("commander");
    await enqueueEvent(ts.db.pool, {
      topic: "incident.created",
      cellCode: grid1,
      requires: "hits:read",
      payload: incident(202, grid1),
    });
    await settledWith(commander);
    await settledWith(leader);
    expect(incidentIds(commander)).toContain(202);
    expect(incidentIds(leader)).not.toContain(202);
  });

  it("delivers camera events to a technician following the camera, once even if also in the cell's room", async () => {
    const tech = await as("tech1", { rooms: [`camera:${camera1.id}`] });
    const status: CameraStatusPayload = {
      cameraId: camera1.id,
      cellCode: camera1.cell,
      status: "offline",
      previousStatus: "online",
      since: new Date().toISOString(),
      reason: "rtsp_timeout",
    };
    await enqueueEvent(ts.db.pool, {
      topic: "camera.status",
      cellCode: camera1.cell,
      cameraId: camera1.id,
      payload: status,
    });
    await settledWith(tech);
    expect(tech.events.filter((e) => e.topic === "camera.status")).toHaveLength(1);
  });
});

describe("delivery guarantees", () => {
  it("sends nothing for a rolled-back transaction", async () => {
    const commander = await as("commander");
    await expect(
      withTransaction(ts.db.pool, async (tx) => {
        await enqueueEvent(tx, { topic: "incident.created", cellCode: grid1, payload: incident(303, grid1) });
        throw new Error("validation failed after the insert");
      }),
    ).rejects.toThrow();
    await settledWith(commander);
    expect(incidentIds(commander)).not.toContain(303);
  });

  it("delivers concurrent transactions' events once each, in gapless seq order", async () => {
    const commander = await as("commander");
    const start = commander.lastSeq();
    const ids = Array.from({ length: 120 }, (_, i) => 5000 + i);
    // 12 transactions of 10 events, interleaved and committing in shuffled order.
    await Promise.all(
      Array.from({ length: 12 }, (_, t) =>
        withTransaction(ts.db.pool, async (tx) => {
          for (const id of ids.slice(t * 10, t * 10 + 10)) {
            await enqueueEvent(tx, {
              topic: "incident.created",
              cellCode: grid1,
              payload: incident(id, grid1),
            });
            await new Promise((r) => setTimeout(r, Math.random() * 5));
          }
        }),
      ),
    );
    await settledWith(commander);
    const seqs = commander.events.map((e) => e.seq).filter((s) => s > start);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => start + 1 + i));
    expect(
      incidentIds(commander)
        .filter((id) => id >= 5000 && id < 5120)
        .sort(),
    ).toEqual(ids);
  });

  it("catches a reconnecting client up exactly once, while events keep coming", async () => {
    const watcher = await as("commander");
    let client = await as("commander");
    const received: RealtimeEvent[] = [...client.events];
    let producing = true;
    let next = 9000;
    const producer = (async () => {
      while (producing) {
        const id = next++;
        await enqueueEvent(ts.db.pool, {
          topic: "incident.created",
          cellCode: grid2,
          payload: incident(id, grid2),
        });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const firstSeq = client.ready.position;
    for (let round = 0; round < 4; round++) {
      await new Promise((r) => setTimeout(r, 60));
      client.close();
      received.push(...client.events.filter((e) => !received.includes(e)));
      const lastSeq = client.lastSeq();
      await new Promise((r) => setTimeout(r, 40));
      client = await as("commander", { lastSeq });
    }
    producing = false;
    await producer;
    await settledWith(client);
    received.push(...client.events);
    const seqs = received.map((e) => e.seq).filter((s) => s > firstSeq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(watcher.events.map((e) => e.seq).filter((s) => s > firstSeq));
    expect(seqs.length).toBeGreaterThan(20);
  });

  it("answers catch_up requests and tells a client that is too far behind to reload", async () => {
    const client = await as("leader1");
    await enqueueEvent(ts.db.pool, {
      topic: "incident.created",
      cellCode: grid1,
      payload: incident(404, grid1),
    });
    await settledWith(client);
    const seqOf404 = client.events.find(
      (e) => (e.payload as IncidentCreatedPayload).incident?.id === 404,
    )!.seq;
    const before = client.events.length;
    const result = await request<{ from: number; to: number; count: number }>(client, "catch_up", {
      since: seqOf404 - 1,
    });
    expect(result).toMatchObject({ ok: true, from: seqOf404 - 1 });
    expect(client.events.slice(before)[0]?.seq).toBe(seqOf404);
    expect(await request(client, "catch_up", { since: -1 })).toMatchObject({
      ok: false,
      error: { code: "invalid_payload" },
    });

    await ts.db.pool.query("UPDATE outbox SET sequenced_at = now() - interval '3 days' WHERE seq <= $1", [
      seqOf404,
    ]);
    await ts.db.pool.query(
      "DELETE FROM outbox WHERE seq IS NOT NULL AND sequenced_at < now() - interval '24 hours'",
    );
    const stale = await as("leader1", { lastSeq: 1 });
    expect(stale.resyncs).toEqual([{ reason: "too_old", position: expect.any(Number) }]);
    expect(await request(client, "catch_up", { since: 1 })).toMatchObject({
      ok: false,
      error: { code: "catch_up_unavailable" },
    });
    const future = await as("leader1", { lastSeq: 10_000_000 });
    expect(future.resyncs).toEqual([{ reason: "unknown_position", position: expect.any(Number) }]);
  });

  it("ignores and counts forged server events and malformed requests, and keeps serving", async () => {
    const attacker = await as("leader1");
    const victim = await as("leader1");
    const ignoredBefore = ts.server.realtime.stats.ignoredClientEvents;
    const forged = { seq: 999_999, topic: "incident.created", payload: incident(666, grid1) };
    (attacker.socket.emit as (e: string, p: unknown) => void)("incident.created", forged);
    (attacker.socket.emit as (e: string, p: unknown) => void)("hotlist.hit", { seq: 1 });
    (attacker.socket.emit as (e: string, p: unknown) => void)("join", { room: `cell:${grid1}` });
    expect(await request(attacker, "join", { room: 42 })).toMatchObject({
      ok: false,
      error: { code: "invalid_payload" },
    });
    expect(await request(attacker, "join", { room: `cell:${grid1}`, extra: true })).toMatchObject({
      ok: false,
      error: { code: "invalid_payload" },
    });
    await settledWith(victim);
    await settledWith(attacker);
    expect(incidentIds(victim)).not.toContain(666);
    expect(incidentIds(attacker)).not.toContain(666);
    expect(ts.server.realtime.stats.ignoredClientEvents - ignoredBefore).toBe(5);
  });

  it("stops serving joins once the session is logged out", async () => {
    const cookie = await loginCookie(ts.url, "operator", ts.demoPassword);
    const client = await connectClient(ts.url, { cookie });
    open.push(client);
    await ts.db.pool.query(
      "UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'operator')",
    );
    expect(await request(client, "join", { room: `cell:${grid1}` })).toMatchObject({
      ok: false,
      error: { code: "session_ended" },
    });
    await expect.poll(() => client.socket.connected).toBe(false);
  });

  it("closes idle connections of ended sessions on the periodic check, and only those", async () => {
    const cookie = await loginCookie(ts.url, "worker1", ts.demoPassword);
    const tabs = [await connectClient(ts.url, { cookie }), await connectClient(ts.url, { cookie })];
    const other = await as("viewer");
    open.push(...tabs);
    expect(await ts.server.realtime.revalidate()).toBe(0);
    await ts.db.pool.query(
      "UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'worker1')",
    );
    expect(await ts.server.realtime.revalidate()).toBe(2);
    await expect.poll(() => tabs.map((t) => t.socket.connected)).toEqual([false, false]);
    expect(other.socket.connected).toBe(true);
  });
});

describe("catch-up and live delivery agree", () => {
  it("replays to each kind of client exactly what it would have received live", async () => {
    const users = ["commander", "leader1", "leader2", "tech1", "analyst1", "viewer"];
    const live = new Map<string, RecordingClient>();
    const away = new Map<string, number>();
    for (const user of users) {
      const rooms = user === "tech1" ? [`camera:${camera1.id}` as const] : undefined;
      live.set(user, await as(user, { rooms }));
      const leaving = await as(user, { rooms });
      away.set(user, leaving.lastSeq());
      leaving.close();
    }
    const status: CameraStatusPayload = {
      cameraId: camera1.id,
      cellCode: camera1.cell,
      status: "no_video",
      previousStatus: "online",
      since: new Date().toISOString(),
      reason: "black_image",
    };
    await enqueueEvents(ts.db.pool, [
      { topic: "incident.created", cellCode: grid1, payload: incident(7001, grid1) },
      { topic: "incident.created", cellCode: grid2, payload: incident(7002, grid2) },
      { topic: "hotlist.hit", cellCode: grid1, payload: hit(7003, grid1) },
      { topic: "incident.created", cellCode: grid1, requires: "hits:read", payload: incident(7004, grid1) },
      {
        topic: "report.missing",
        roles: ["commander"],
        payload: {
          cellCode: grid2,
          cellName: "x",
          cellNameEn: null,
          reportDate: "2026-11-22",
          leader: "leader2",
        },
      },
      { topic: "camera.status", cameraId: camera1.id, payload: status },
      {
        topic: "cell.changed",
        cellCode: district,
        payload: cellChangedPayload(district, 7007),
      },
    ]);
    for (const user of users) await settledWith(live.get(user)!, user === "leader2" ? grid2 : grid1);
    for (const user of users) {
      const resumed = await as(user, {
        lastSeq: away.get(user)!,
        rooms: user === "tech1" ? [`camera:${camera1.id}`] : undefined,
      });
      const expected = live.get(user)!.events.filter((e) => e.seq > away.get(user)!);
      expect(
        resumed.events.map((e) => `${e.seq}:${e.topic}`),
        user,
      ).toEqual(expected.map((e) => `${e.seq}:${e.topic}`));
    }
    const topics = (user: string) => new Set(live.get(user)!.events.map((e) => e.topic));
    // The camera event names no cell: only followers of that camera get it.
    expect(topics("commander")).toEqual(
      new Set(["incident.created", "hotlist.hit", "report.missing", "cell.changed"]),
    );
    expect(topics("tech1").has("camera.status")).toBe(true);
    expect(topics("tech1").has("hotlist.hit")).toBe(false);
    expect(topics("leader1").has("report.missing")).toBe(false);
    expect(incidentIds(live.get("leader1")!)).toContain(7001);
    expect(incidentIds(live.get("leader1")!)).not.toContain(7004);
    expect(incidentIds(live.get("analyst1")!)).toEqual([]);
  });
});

describe("request limits", () => {
  it("answers a burst of requests past the per-second limit with rate_limited, then serves again", async () => {
    const client = await as("leader1");
    const burst = await Promise.all(
      Array.from({ length: 30 }, () => request(client, "leave", { room: "cell:NOPE" })),
    );
    const limited = burst.filter((r) => !r.ok && r.error.code === "rate_limited").length;
    expect(limited).toBe(10);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await request(client, "join", { room: `cell:${grid1}` })).toMatchObject({ ok: true });
  });
});

describe("metrics", () => {
  it("exposes connections, counters and the unpublished backlog on /metrics", async () => {
    const watcher = await as("commander");
    await settledWith(watcher);
    const { token } = await createApiToken(
      ts.db.pool,
      await systemAuthFor(ts.db.pool, "test"),
      {
        name: "prometheus",
        permissions: ["metrics:read"],
        cellCodes: [district],
        cameraIds: null,
        expiresAt: null,
      },
      { ip: null, userAgent: null, requestId: null },
    );
    const res = await fetch(`${ts.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(`gridops_realtime_connections ${ts.server.realtime.stats.connections}`);
    expect(text).toMatch(/gridops_realtime_events_total\{kind="delivered"\} [1-9]\d*/);
    expect(text).toMatch(/gridops_realtime_events_total\{kind="ignored_client_events"\} [1-9]/);
    expect(text).toContain(`gridops_realtime_relay_position ${ts.server.realtime.relay.position}`);
    expect(text).toMatch(/gridops_outbox_unpublished \d+/);
  });
});
