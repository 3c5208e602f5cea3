import { z } from "zod";
import type { Queryable } from "../db/pool.js";
import type { Logger } from "../logger.js";
import { type CatchUpDeps, replayAndRelease } from "./catch-up.js";
import type { AckError, RealtimeErrorCode, RoomName } from "./events.js";
import { resolveCredential } from "./handshake.js";
import { authoriseRoom, type ParsedRoom, parseRoom, RoomError, roomName, roomsByKind } from "./rooms.js";
import type { RealtimeSocket, RealtimeStats } from "./socket-types.js";

const roomRequestSchema = z.strictObject({ room: z.string().min(1).max(100) });
const catchUpRequestSchema = z.strictObject({ since: z.number().int().min(0) });

/** The only events a client may send; everything else is dropped and counted. */
export const clientEventNames = new Set(["join", "leave", "catch_up"]);
export const MAX_ROOMS_PER_SOCKET = 200;
/** Requests per connection per second; a web client sends a handful when a view opens. */
export const MAX_REQUESTS_PER_SECOND = 20;

export interface ClientEventDeps {
  db: Queryable;
  log: Logger;
  stats: RealtimeStats;
  catchUp: CatchUpDeps;
}

type AckFn = (result: unknown) => void;

const fail = (code: RealtimeErrorCode, message: string): AckError => ({
  ok: false,
  error: { code, message },
});

/** The client-facing names of the rooms a socket is in (not its own id room). */
export function clientRooms(socket: RealtimeSocket): RoomName[] {
  const { cellCodes, cameraIds, roles } = roomsByKind(socket.rooms);
  return [
    ...cellCodes.map((c) => `cell:${c}` as const),
    ...cameraIds.map((c) => `camera:${c}` as const),
    ...roles.map((r) => `role:${r}` as RoomName),
  ];
}

export function joinRoom(socket: RealtimeSocket, room: ParsedRoom): void {
  socket.join(roomName(room));
}

/**
 * Wires join/leave/catch_up. Each needs an ack callback and a payload that passes its schema;
 * joins re-check the credential and the room against the database every time.
 */
export function registerClientEvents(socket: RealtimeSocket, deps: ClientEventDeps): void {
  socket.onAny((event: string) => {
    if (!clientEventNames.has(event)) ignore(deps, socket, event, "not a client event");
  });

  socket.on("join", (request, ack) =>
    handle(deps, socket, "join", request, ack as AckFn, roomRequestSchema, async ({ room: name }) => {
      const room = parseRoom(name);
      if (clientRooms(socket).length >= MAX_ROOMS_PER_SOCKET && !socket.rooms.has(roomName(room))) {
        throw new RoomError(
          "too_many_rooms",
          `A connection may be in at most ${MAX_ROOMS_PER_SOCKET} rooms.`,
        );
      }
      await authoriseRoom(deps.db, socket.data.auth, room);
      joinRoom(socket, room);
      return { rooms: clientRooms(socket) };
    }),
  );

  socket.on("leave", (request, ack) =>
    handle(deps, socket, "leave", request, ack as AckFn, roomRequestSchema, async ({ room: name }) => {
      socket.leave(roomName(parseRoom(name)));
      return { rooms: clientRooms(socket) };
    }),
  );

  socket.on("catch_up", (request, ack) =>
    handle(deps, socket, "catch_up", request, ack as AckFn, catchUpRequestSchema, async ({ since }) => {
      if (socket.data.held)
        throw new RoomError("catch_up_busy", "A catch-up for this connection is already running.");
      const outcome = await replayAndRelease(deps.catchUp, socket, since);
      if (outcome.kind === "done") return { from: outcome.from, to: outcome.to, count: outcome.count };
      if (outcome.kind === "resync") {
        throw new RoomError(
          "catch_up_unavailable",
          `Events after ${since} are no longer available (${outcome.info.reason}); reload and continue from ${outcome.info.position}.`,
        );
      }
      throw new RoomError("session_ended", "The connection closed during the catch-up.");
    }),
  );
}

async function handle<S extends z.ZodType, R extends object>(
  deps: ClientEventDeps,
  socket: RealtimeSocket,
  event: string,
  request: unknown,
  ack: AckFn,
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
): Promise<void> {
  if (typeof ack !== "function") return ignore(deps, socket, event, "no ack callback");
  if (overRate(socket)) {
    deps.stats.ignoredClientEvents += 1;
    return ack(
      fail("rate_limited", `At most ${MAX_REQUESTS_PER_SECOND} requests per second per connection.`),
    );
  }
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    deps.stats.ignoredClientEvents += 1;
    return ack(
      fail(
        "invalid_payload",
        parsed.error.issues.map((i) => `${i.path.join(".") || event}: ${i.message}`).join("; "),
      ),
    );
  }
  try {
    if (!(await stillAuthenticated(deps, socket))) {
      ack(fail("session_ended", "Your session ended or your token was revoked; log in again."));
      socket.disconnect(true);
      return;
    }
    ack({ ok: true, ...(await run(parsed.data)) });
  } catch (err) {
    if (err instanceof RoomError) {
      if (event === "join") deps.stats.joinsRefused += 1;
      return ack(fail(err.code, err.message));
    }
    deps.log.error({ err, event, socket: socket.id }, "realtime client request failed");
    ack(fail("internal_error", "The server could not handle the request."));
  }
}

function overRate(socket: RealtimeSocket): boolean {
  const window = socket.data.requests;
  const now = Date.now();
  if (now - window.windowStart >= 1000) {
    window.windowStart = now;
    window.count = 0;
  }
  window.count += 1;
  return window.count > MAX_REQUESTS_PER_SECOND;
}

/** Sessions end and tokens get revoked while sockets stay open: look again before acting. */
async function stillAuthenticated(deps: ClientEventDeps, socket: RealtimeSocket): Promise<boolean> {
  const auth = await resolveCredential(deps.db, socket.data.credential);
  if (!auth) return false;
  socket.data.auth = auth;
  return true;
}

function ignore(deps: ClientEventDeps, socket: RealtimeSocket, event: string, why: string): void {
  deps.stats.ignoredClientEvents += 1;
  deps.log.warn(
    { socket: socket.id, actor: socket.data.auth.actor, event: event.slice(0, 64), why },
    "client event ignored",
  );
}
