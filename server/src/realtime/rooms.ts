import type { Queryable } from "../db/pool.js";
import { cellVisible } from "../features/auth/auth.service.js";
import type { AuthContext } from "../features/auth/auth-context.js";
import { type Role, roles } from "../features/auth/permissions.js";
import type { RealtimeErrorCode, RoomName } from "./events.js";
import { selectCameraCell } from "./outbox.sql.js";

/** A join or leave the server refuses; sent back in the ack as `{ok:false, error:{code, message}}`. */
export class RoomError extends Error {
  constructor(
    readonly code: RealtimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RoomError";
  }
}

export type ParsedRoom =
  | { kind: "cell"; code: string }
  | { kind: "camera"; id: string }
  | { kind: "role"; role: Role };

const ROOM_PATTERN = /^(cell|camera|role):([A-Za-z0-9_-]{1,64})$/;

export function parseRoom(name: string): ParsedRoom {
  const match = ROOM_PATTERN.exec(name);
  if (!match) {
    throw new RoomError(
      "unknown_room",
      `Room ${JSON.stringify(name)} is not one of cell:<code>, camera:<id>, role:<role>.`,
    );
  }
  const [, kind, id] = match as unknown as [string, "cell" | "camera" | "role", string];
  if (kind === "cell") return { kind, code: id };
  if (kind === "camera") return { kind, id };
  if (!(roles as readonly string[]).includes(id))
    throw new RoomError("unknown_room", `There is no role ${JSON.stringify(id)}.`);
  return { kind, role: id as Role };
}

export function roomName(room: ParsedRoom): RoomName {
  if (room.kind === "cell") return `cell:${room.code}`;
  if (room.kind === "camera") return `camera:${room.id}`;
  return `role:${room.role}`;
}

/** Who may be in which room: decided again on every join, from the database, never cached. */
export async function authoriseRoom(db: Queryable, auth: AuthContext, room: ParsedRoom): Promise<void> {
  if (room.kind === "role") {
    if (!auth.roles.includes(room.role))
      throw new RoomError("room_forbidden", `You do not have the role ${room.role}.`);
    return;
  }
  if (room.kind === "cell") {
    if (!(await cellVisible(db, auth, room.code))) {
      throw new RoomError("room_forbidden", `Cell ${room.code} does not exist or is outside your cells.`);
    }
    return;
  }
  if (!auth.permissions.has("health:read")) {
    throw new RoomError("room_forbidden", "Following a camera needs the health:read permission.");
  }
  const camera = await selectCameraCell(db, room.id);
  const visible = camera.cellCode !== null && (await cellVisible(db, auth, camera.cellCode));
  if (!visible || (auth.cameraIds !== null && !auth.cameraIds.includes(room.id))) {
    throw new RoomError("room_forbidden", `Camera ${room.id} does not exist or is outside your cells.`);
  }
}

/** The rooms a client is put in on connect: its assigned cells and its roles. */
export function defaultRooms(auth: AuthContext): ParsedRoom[] {
  return [
    ...auth.cellCodes.map((code): ParsedRoom => ({ kind: "cell", code })),
    ...auth.roles.map((role): ParsedRoom => ({ kind: "role", role })),
  ];
}

/** Where an outbox row goes: every enclosing cell's room, its camera's room, its roles' rooms. */
export function targetRooms(row: {
  cell_path: string[] | null;
  camera_id: string | null;
  roles: string[];
}): RoomName[] {
  const rooms: RoomName[] = (row.cell_path ?? []).map((code) => `cell:${code}` as const);
  if (row.camera_id) rooms.push(`camera:${row.camera_id}`);
  for (const role of row.roles) rooms.push(`role:${role}` as RoomName);
  return rooms;
}

/** The members of a set of joined rooms, split by kind (the filter for catch-up queries). */
export function roomsByKind(joined: Iterable<string>): {
  cellCodes: string[];
  cameraIds: string[];
  roles: string[];
} {
  const out = { cellCodes: [] as string[], cameraIds: [] as string[], roles: [] as string[] };
  for (const name of joined) {
    const match = ROOM_PATTERN.exec(name);
    if (!match) continue;
    if (match[1] === "cell") out.cellCodes.push(match[2]!);
    else if (match[1] === "camera") out.cameraIds.push(match[2]!);
    else out.roles.push(match[2]!);
  }
  return out;
}
