import type { Server, Socket } from "socket.io";
import type { AuthContext } from "../features/auth/auth-context.js";
import type { ClientToServerEvents, RefusedRoom, ServerToClientEvents } from "./events.js";
import type { ParsedRoom } from "./rooms.js";

/** How the client proved who it is, kept so every join can check that it still holds. */
export type Credential = { kind: "session"; sessionId: string } | { kind: "token"; token: string };

export interface SocketState {
  auth: AuthContext;
  credential: Credential;
  /** Rooms asked for in the handshake, already authorised; joined on connect. */
  handshakeRooms: ParsedRoom[];
  /** Handshake rooms that were not granted, reported in `ready`. */
  refusedRooms: RefusedRoom[];
  lastSeq: number | null;
  /** Live events with seq ≤ floor are not sent: the client already has them. */
  floor: number;
  /** Held sockets get no live events; a catch-up or lag recovery is replaying to them instead. */
  held: boolean;
  /** Client requests in the current one-second window (join/leave/catch_up cost database work). */
  requests: { windowStart: number; count: number };
}

// Server-to-server events are not used: the relay runs in every process (see decision 0071).
// biome-ignore lint/complexity/noBannedTypes: socket.io's generic wants an event map; ours is empty.
export type InterServerEvents = {};

export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketState
>;
export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketState
>;

export interface RealtimeStats {
  connections: number;
  rejectedHandshakes: number;
  /** Client events that are not join/leave/catch_up, or came without an ack, or failed validation. */
  ignoredClientEvents: number;
  joinsRefused: number;
  catchUps: number;
  catchUpEvents: number;
  resyncs: number;
  /** Sockets whose send buffer passed the limit and were switched to catch-up. */
  lagged: number;
  /** Sockets disconnected because they stayed clogged past the lag limit. */
  dropped: number;
  delivered: number;
}

export const emptyStats = (): RealtimeStats => ({
  connections: 0,
  rejectedHandshakes: 0,
  ignoredClientEvents: 0,
  joinsRefused: 0,
  catchUps: 0,
  catchUpEvents: 0,
  resyncs: 0,
  lagged: 0,
  dropped: 0,
  delivered: 0,
});
