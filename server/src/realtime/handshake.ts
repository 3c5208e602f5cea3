import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import type { Queryable } from "../db/pool.js";
import { parseCookies, SESSION_COOKIE } from "../features/auth/auth.middleware.js";
import { authFromBearerToken, authFromSessionCookie } from "../features/auth/auth.service.js";
import type { AuthContext } from "../features/auth/auth-context.js";
import type { RealtimeErrorCode, RefusedRoom } from "./events.js";
import { authoriseRoom, type ParsedRoom, parseRoom, RoomError } from "./rooms.js";
import type { Credential, RealtimeSocket } from "./socket-types.js";

/** A refused handshake; the client sees `err.message` and `err.data = {code, message}`. */
export class HandshakeError extends Error {
  readonly data: { code: string; message: string };
  constructor(
    readonly code: "unauthenticated" | "origin_forbidden" | RealtimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "HandshakeError";
    this.data = { code, message };
  }
}

const handshakeAuthSchema = z.strictObject({
  token: z.string().max(200).optional(),
  lastSeq: z.number().int().min(0).optional(),
  rooms: z.array(z.string().max(100)).max(200).optional(),
});

export function credentialOf(headers: IncomingHttpHeaders, authField: unknown): Credential | null {
  const [scheme, value] = (headers.authorization ?? "").split(" ", 2);
  if (scheme?.toLowerCase() === "bearer" && value) return { kind: "token", token: value.trim() };
  const parsed = handshakeAuthSchema.safeParse(authField ?? {});
  if (parsed.success && parsed.data.token) return { kind: "token", token: parsed.data.token };
  const sessionId = parseCookies(headers.cookie)[SESSION_COOKIE];
  return sessionId ? { kind: "session", sessionId } : null;
}

/** The caller behind a credential now; null once the session ended or the token was revoked. */
export function resolveCredential(db: Queryable, credential: Credential): Promise<AuthContext | null> {
  return credential.kind === "token"
    ? authFromBearerToken(db, credential.token)
    : authFromSessionCookie(db, credential.sessionId);
}

/**
 * Browsers send cookies on cross-site WebSocket handshakes too (SameSite=Lax does not cover
 * them all), so a cookie-authenticated handshake must come from our own origin.
 */
function sameOrigin(headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  const forwarded = trustProxy ? headers["x-forwarded-host"] : undefined;
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Socket.IO middleware: authenticates the handshake and authorises the rooms it asks for. */
export function handshakeMiddleware(
  db: Queryable,
  trustProxy: boolean,
  onReject: (err: HandshakeError) => void,
) {
  return async (socket: RealtimeSocket, next: (err?: Error) => void) => {
    try {
      socket.data = await admit(db, socket, trustProxy);
      next();
    } catch (err) {
      const refusal =
        err instanceof HandshakeError
          ? err
          : new HandshakeError("internal_error", "The server could not check your credentials.");
      onReject(refusal);
      next(refusal);
    }
  };
}

async function admit(db: Queryable, socket: RealtimeSocket, trustProxy: boolean) {
  const { headers, auth: authField } = socket.handshake;
  const fields = handshakeAuthSchema.safeParse(authField ?? {});
  if (!fields.success) {
    throw new HandshakeError(
      "invalid_payload",
      `Bad handshake auth: ${fields.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const credential = credentialOf(headers, authField);
  if (!credential)
    throw new HandshakeError("unauthenticated", "Log in first: no session cookie or API token.");
  if (credential.kind === "session" && !sameOrigin(headers, trustProxy)) {
    throw new HandshakeError(
      "origin_forbidden",
      "Cookie-authenticated connections must come from this server's own pages.",
    );
  }
  const auth = await resolveCredential(db, credential);
  if (!auth)
    throw new HandshakeError("unauthenticated", "The session or API token is invalid, expired or revoked.");
  // A room the caller may no longer see (a camera moved, cells reassigned) must not lock a
  // reconnecting client out: it is left out and reported in `ready.refused`.
  const handshakeRooms: ParsedRoom[] = [];
  const refusedRooms: RefusedRoom[] = [];
  for (const name of fields.data.rooms ?? []) {
    try {
      const room = parseRoom(name);
      await authoriseRoom(db, auth, room);
      handshakeRooms.push(room);
    } catch (err) {
      if (!(err instanceof RoomError)) throw err;
      refusedRooms.push({ room: name, code: err.code });
    }
  }
  return {
    auth,
    credential,
    handshakeRooms,
    refusedRooms,
    lastSeq: fields.data.lastSeq ?? null,
    floor: 0,
    requests: { windowStart: 0, count: 0 },
    held: true,
  };
}
