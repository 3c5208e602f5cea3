import { io, type Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  EventTopic,
  HandshakeAuth,
  ReadyInfo,
  RealtimeEvent,
  RoomName,
  ServerToClientEvents,
} from "./events.js";
import { eventTopics } from "./events.js";

/**
 * A Node Socket.IO client for tests, benchmarks and scripts: logs in like the web app (or
 * uses an API token), records every event it receives, and exposes the ready handshake.
 */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  cookie?: string;
  token?: string;
  /** Send the token in the Authorization header instead of the handshake auth field. */
  tokenInHeader?: boolean;
  lastSeq?: number;
  rooms?: RoomName[];
  origin?: string;
  /** Default WebSocket only; long-polling is what clients behind WebSocket-hostile proxies fall back to. */
  transports?: ("websocket" | "polling")[];
  /** Milliseconds to wait for `ready`. */
  timeoutMs?: number;
}

export interface RecordingClient {
  socket: ClientSocket;
  events: RealtimeEvent[];
  /** Receive time (performance.now()) of each event, same index as `events`. */
  receivedAt: number[];
  ready: ReadyInfo;
  resyncs: unknown[];
  lastSeq(): number;
  close(): void;
}

export class ConnectRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ConnectRefused";
  }
}

/** Logs in over HTTP and returns the `gridops_session=…` cookie pair. */
export async function loginCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith("gridops_session="));
  if (!session) throw new Error(`login as ${username} set no session cookie`);
  return session.split(";")[0]!;
}

export function connectClient(baseUrl: string, options: ConnectOptions): Promise<RecordingClient> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  if (options.token && options.tokenInHeader) headers.authorization = `Bearer ${options.token}`;
  const auth: HandshakeAuth = {};
  if (options.token && !options.tokenInHeader) auth.token = options.token;
  if (options.lastSeq !== undefined) auth.lastSeq = options.lastSeq;
  if (options.rooms) auth.rooms = options.rooms;
  const socket: ClientSocket = io(baseUrl, {
    transports: options.transports ?? ["websocket"],
    extraHeaders: headers,
    auth: auth as Record<string, unknown>,
    autoConnect: false,
    reconnection: false,
    forceNew: true,
  });
  const events: RealtimeEvent[] = [];
  const receivedAt: number[] = [];
  const resyncs: unknown[] = [];
  for (const topic of eventTopics) {
    socket.on(
      topic as EventTopic,
      ((event: RealtimeEvent) => {
        events.push(event);
        receivedAt.push(performance.now());
      }) as never,
    );
  }
  socket.on("resync_required", (info) => resyncs.push(info));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("no ready event from the server"));
    }, options.timeoutMs ?? 10_000);
    socket.once("ready", (ready) => {
      clearTimeout(timer);
      resolve({
        socket,
        events,
        receivedAt,
        ready,
        resyncs,
        lastSeq: () => Math.max(ready.position, events.at(-1)?.seq ?? 0),
        close: () => socket.close(),
      });
    });
    socket.once("connect_error", (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      reject(new ConnectRefused(err.data?.code ?? "connect_error", err.message));
    });
    socket.connect();
  });
}
