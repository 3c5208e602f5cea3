import type http from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import { Server } from "socket.io";
import type { AppDeps } from "../app-deps.js";
import { type CatchUpDeps, replayAndRelease } from "./catch-up.js";
import { clientRooms, joinRoom, registerClientEvents } from "./client-events.js";
import {
  defaultSlowClientPolicy,
  isClogged,
  LocalDelivery,
  type SlowClientPolicy,
  waitForRoom,
} from "./delivery.js";
import { handshakeMiddleware, resolveCredential } from "./handshake.js";
import { registerRealtimeMetrics } from "./realtime-metrics.js";
import { OutboxRelay } from "./relay.js";
import { defaultRooms } from "./rooms.js";
import { emptyStats, type RealtimeServer, type RealtimeSocket, type RealtimeStats } from "./socket-types.js";

export interface RealtimeOptions {
  /** Carry Socket.IO broadcasts between server processes through PostgreSQL (default: config.realtimeAdapter). */
  postgresAdapter?: boolean;
  pollIntervalMs?: number;
  retentionHours?: number;
  slowClients?: Partial<SlowClientPolicy>;
  /** Largest client message accepted; clients only send tiny join/leave/catch_up requests. */
  maxHttpBufferSize?: number;
  catchUpPageSize?: number;
  relayBatchSize?: number;
  /** How often open connections' sessions and tokens are checked again (default 60 s). */
  revalidateIntervalMs?: number;
}

export interface Realtime {
  io: RealtimeServer;
  relay: OutboxRelay;
  stats: RealtimeStats;
  /** Checks every open connection's credential now; disconnects those whose session or token ended. */
  revalidate(): Promise<number>;
  close(): Promise<void>;
}

/** Attaches Socket.IO to the HTTP server and starts this process's outbox relay. */
export async function startRealtime(
  httpServer: http.Server,
  deps: AppDeps,
  options: RealtimeOptions = {},
): Promise<Realtime> {
  const log = deps.log.child({ feature: "realtime" });
  const stats = emptyStats();
  const policy = { ...defaultSlowClientPolicy, ...options.slowClients };
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 16 * 1024,
    ...(!(options.postgresAdapter ?? deps.config.realtimeAdapter === "postgres")
      ? {}
      : {
          adapter: createAdapter(deps.pool, {
            errorHandler: (err) => log.warn({ err }, "socket.io postgres adapter error"),
          }),
        }),
  });

  const catchUp: CatchUpDeps = {
    db: deps.pool,
    log,
    stats,
    // Called only for connections, which arrive after the relay below has started.
    position: () => relay.position,
    pageSize: options.catchUpPageSize ?? 500,
    waitForRoom: (socket) => waitForRoom(socket, policy),
    isClogged: (socket) => isClogged(socket, policy),
  };
  const relay = new OutboxRelay({
    pool: deps.pool,
    log,
    sink: new LocalDelivery(io, stats, policy, catchUp, log),
    pollIntervalMs: options.pollIntervalMs,
    retentionHours: options.retentionHours ?? deps.config.outboxRetentionHours,
    batchSize: options.relayBatchSize ?? 250,
  });

  io.use(
    handshakeMiddleware(deps.pool, deps.config.trustProxy, (err) => {
      stats.rejectedHandshakes += 1;
      log.info({ code: err.code }, "realtime handshake refused");
    }),
  );
  io.on("connection", (socket) => onConnection(socket, { db: deps.pool, log, stats, catchUp }));
  await relay.start();
  registerRealtimeMetrics(deps.metrics, stats, relay);
  let closing = false;
  const revalidate = () => (closing ? Promise.resolve(0) : disconnectEnded(io, deps, log));
  const revalidateTimer = setInterval(() => void revalidate(), options.revalidateIntervalMs ?? 60_000);
  revalidateTimer.unref();

  return {
    io,
    relay,
    stats,
    revalidate,
    close: async () => {
      closing = true;
      clearInterval(revalidateTimer);
      await relay.close();
      // io.close() also closes the HTTP server and waits for its keep-alive connections.
      const closed = io.close();
      httpServer.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Logging out, password and role changes revoke sessions; open sockets would otherwise keep
 * receiving events. One lookup per distinct credential, not per socket (tabs share a session).
 */
async function disconnectEnded(io: RealtimeServer, deps: AppDeps, log: AppDeps["log"]): Promise<number> {
  const groups = new Map<string, RealtimeSocket[]>();
  for (const socket of io.of("/").sockets.values()) {
    const c = socket.data.credential;
    const key = c.kind === "token" ? `t:${c.token}` : `s:${c.sessionId}`;
    groups.set(key, [...(groups.get(key) ?? []), socket]);
  }
  let disconnected = 0;
  for (const sockets of groups.values()) {
    try {
      const auth = await resolveCredential(deps.pool, sockets[0]!.data.credential);
      for (const socket of sockets) {
        if (auth) socket.data.auth = auth;
        else {
          socket.disconnect(true);
          disconnected += 1;
        }
      }
    } catch (err) {
      log.warn({ err }, "realtime credential check failed; the next sweep retries");
      break;
    }
  }
  if (disconnected > 0) log.info({ disconnected }, "realtime connections of ended sessions closed");
  return disconnected;
}

function onConnection(socket: RealtimeSocket, deps: Parameters<typeof registerClientEvents>[1]): void {
  deps.stats.connections += 1;
  socket.on("disconnect", () => {
    deps.stats.connections -= 1;
  });
  // Joining and (without lastSeq) going live happen in this one tick: the stream continues
  // exactly after the relay's current position.
  for (const room of [...defaultRooms(socket.data.auth), ...socket.data.handshakeRooms])
    joinRoom(socket, room);
  registerClientEvents(socket, deps);
  const lastSeq = socket.data.lastSeq;
  if (lastSeq === null) {
    socket.data.held = false;
    socket.emit("ready", {
      position: deps.catchUp.position(),
      rooms: clientRooms(socket),
      refused: socket.data.refusedRooms,
    });
    return;
  }
  replayAndRelease(deps.catchUp, socket, lastSeq)
    .then((outcome) => {
      if (outcome.kind !== "gone")
        socket.emit("ready", {
          position: socket.data.floor,
          rooms: clientRooms(socket),
          refused: socket.data.refusedRooms,
        });
    })
    .catch((err) => {
      deps.log.error(
        { err, socket: socket.id },
        "catch-up on connect failed; disconnecting so the client retries",
      );
      socket.disconnect(true);
    });
}
