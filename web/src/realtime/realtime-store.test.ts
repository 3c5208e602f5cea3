import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../../server/src/test-support/http-client.js";
import { startTestServer } from "../../../server/src/test-support/test-server.js";
import { type RealtimeEvent, type RealtimeSocket, RealtimeStore } from "./realtime-store.js";

// The store against the real server's Socket.IO endpoint (Node's socket.io-client sends the
// session cookie as a header, which a browser does by itself).

type Running = Awaited<ReturnType<typeof startTestServer>>;
let server: Running;
let operator: TestClient;
let cookie: string;
let location: { lon: number; lat: number };

function storeFor(): { store: RealtimeStore; socket: () => RealtimeSocket } {
  let socket: RealtimeSocket | null = null;
  const store = new RealtimeStore({
    createSocket: (auth) => {
      socket = io(server.url, {
        transports: ["websocket"],
        extraHeaders: { cookie },
        autoConnect: false,
        auth: auth as (cb: (data: object) => void) => void,
        reconnectionDelay: 50,
        reconnectionDelayMax: 100,
      }) as RealtimeSocket;
      return socket;
    },
  });
  return {
    store,
    socket: () => {
      if (!socket) throw new Error("not started");
      return socket;
    },
  };
}

async function createIncident(description: string): Promise<number> {
  const res = await operator.post("/api/v1/incidents", { category: "other", location, description });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.incident.id as number;
}

const until = async (check: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

beforeAll(async () => {
  server = await startTestServer({ demo: true });
  operator = await TestClient.loggedIn(server.url, "operator", server.demoPassword);
  cookie = `gridops_session=${(operator as unknown as { cookies: Map<string, string> }).cookies.get("gridops_session")}`;
  const cells = await operator.get("/api/v1/cells?limit=5000");
  const grid = (
    cells.body.features as {
      properties: { level: string };
      geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
    }[]
  ).find((f) => f.properties.level === "grid");
  const outer =
    grid?.geometry.type === "MultiPolygon"
      ? grid.geometry.coordinates[0]?.[0]
      : grid?.geometry.coordinates[0];
  const ring = outer?.slice(0, -1) ?? [];
  location = {
    lon: ring.reduce((s, p) => s + (p[0] ?? 0), 0) / ring.length,
    lat: ring.reduce((s, p) => s + (p[1] ?? 0), 0) / ring.length,
  };
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("RealtimeStore against the server", () => {
  it("delivers per-topic events once, catches up what it missed while disconnected, in seq order", async () => {
    const { store, socket } = storeFor();
    const created: RealtimeEvent<"incident.created">[] = [];
    const statuses: string[] = [];
    store.onStatus((status) => statuses.push(status));
    store.subscribe("incident.created", (event) => created.push(event));
    let updates = 0;
    store.subscribe("incident.updated", () => {
      updates += 1;
    });
    store.start();
    await store.ready();
    expect(store.status).toBe("live");

    const first = await createIncident("while connected");
    await until(() => created.some((e) => e.payload.incident.id === first));

    // Drop the connection, create while away, and let the client reconnect by itself.
    // Reconnection is held off until the incident exists, so it can only arrive by catch-up
    // (the handshake's lastSeq), not live.
    socket().io.reconnection(false);
    socket().io.engine.close();
    await until(() => store.status === "reconnecting");
    const missed = await createIncident("while disconnected");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(created.some((e) => e.payload.incident.id === missed)).toBe(false);
    socket().io.reconnection(true);
    socket().connect();
    await until(() => created.some((e) => e.payload.incident.id === missed), 10_000);
    expect(statuses).toContain("reconnecting");
    expect(store.status).toBe("live");

    // A replayed duplicate (same seq) is dropped by the store.
    const last = created.at(-1);
    if (!last) throw new Error("no event");
    store.deliver(last);
    const ids = created.map((e) => e.payload.incident.id);
    expect(ids.filter((id) => id === missed)).toHaveLength(1);
    const seqs = created.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(updates).toBe(0);
    store.stop();
  });

  it("gives up waiting for the live stream after the timeout, so views can load anyway", async () => {
    const store = new RealtimeStore({
      createSocket: (auth) =>
        io("http://127.0.0.1:9", {
          transports: ["websocket"],
          autoConnect: false,
          reconnection: false,
          auth: auth as (cb: (data: object) => void) => void,
        }) as RealtimeSocket,
    });
    store.start();
    await expect(store.ready(100)).resolves.toBe(false);
    store.stop();
  });

  it("reports a refused handshake without a session", async () => {
    const store = new RealtimeStore({
      createSocket: (auth) =>
        io(server.url, {
          transports: ["websocket"],
          autoConnect: false,
          reconnection: false,
          auth: auth as (cb: (data: object) => void) => void,
        }) as RealtimeSocket,
    });
    store.start();
    await until(() => store.status === "refused");
    expect(store.refusal).toBe("unauthenticated");
    store.stop();
  });
});
