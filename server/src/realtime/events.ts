/**
 * The one map of realtime topics to payload types, shared by the server (enqueueEvent, the
 * relay) and the web (through `@gridops/server/api-types`). Type-only apart from the topic
 * list and each topic's default permission, so the web bundle pulls in nothing else.
 */
import type { Permission, Role } from "../features/auth/permissions.js";
import type { HitView } from "../features/hotlists/hits.service.js";

/** Camera health states (GLOSSARY: health state). */
export type HealthState =
  | "online"
  | "degraded"
  | "offline"
  | "auth_failed"
  | "no_video"
  | "tampered"
  | "maintenance"
  | "unknown";

export interface LonLat {
  lon: number;
  lat: number;
}

/** What the map and the incident queue need to draw or list an incident. */
export interface IncidentSummary {
  id: number;
  /** Human reference shown in the UI, if the incident has one. */
  reference: string | null;
  cellCode: string;
  category: string;
  priority: string;
  /** Lifecycle state (GLOSSARY: reported, registered, dispatched, …). */
  state: string;
  title: string;
  location: LonLat | null;
  /** When the current stage's time limit runs out (ISO 8601), if it has one. */
  dueAt: string | null;
  overdue: boolean;
  /** When the current stage went overdue (ISO 8601), if it did. */
  overdueAt: string | null;
  reportedAt: string;
  closedAt: string | null;
  /** The optimistic-concurrency version a transition must name. */
  version: number;
  updatedAt: string;
}

export interface IncidentCreatedPayload {
  incident: IncidentSummary;
}

export interface IncidentUpdatedPayload {
  incident: IncidentSummary;
  /** What happened, e.g. "dispatch", "escalate", "feedback"; fromState/toState when the state moved. */
  action: string;
  fromState: string | null;
  toState: string | null;
  actor: string;
}

export interface CameraStatusPayload {
  cameraId: string;
  cellCode: string | null;
  status: HealthState;
  previousStatus: HealthState | null;
  /** Since when the camera is in this state (ISO 8601). */
  since: string;
  /** Why, when known: a machine code such as "rtsp_timeout" or "black_frame". */
  reason: string | null;
}

/** Plate data: only for holders of hits:read (the topic's default permission). */
export interface HotlistHitPayload {
  hitId: number;
  hotlistId: number;
  plate: string;
  plateColor: string | null;
  cameraId: string | null;
  checkpointId: string | null;
  cellCode: string | null;
  reasonCode: string;
  readAt: string;
  location: LonLat | null;
  /** The whole hit as GET /hotlist-hits/{id} answers it when new (incidentId null until opened). */
  hit: HitView;
}

export interface ReportFiledPayload {
  reportId: number;
  cellCode: string;
  /** The day reported on, YYYY-MM-DD in the district's time zone. */
  reportDate: string;
  zeroReport: boolean;
  filedBy: string;
}

/** A grid that has not filed its daily report, named so a notice can be shown without a lookup. */
export interface ReportMissingPayload {
  cellCode: string;
  cellName: string;
  cellNameEn: string | null;
  reportDate: string;
  leader: string | null;
}

/** Sent to a grid's room before the daily report deadline while the grid has not reported. */
export interface ReportReminderPayload extends ReportMissingPayload {
  /** The deadline (ISO 8601). */
  deadline: string;
}

export interface CellChangedPayload {
  cellCode: string;
  change: "created" | "updated" | "retired";
  version: number;
  /**
   * Where this cell's area went, when a move, merge or split replaced or divided it: the codes
   * that now cover it (for a split, the cell itself and its new siblings). Empty otherwise, so a
   * client holding the old code knows what to follow.
   */
  successors: string[];
}

export interface CheckpointFlowPayload {
  checkpointId: string;
  cellCode: string | null;
  windowStart: string;
  windowSeconds: number;
  vehicles: number;
  lanes: { lane: number; vehicles: number }[];
}

export interface EventPayloads {
  "incident.created": IncidentCreatedPayload;
  "incident.updated": IncidentUpdatedPayload;
  "camera.status": CameraStatusPayload;
  "hotlist.hit": HotlistHitPayload;
  "report.filed": ReportFiledPayload;
  "report.missing": ReportMissingPayload;
  "report.reminder": ReportReminderPayload;
  "cell.changed": CellChangedPayload;
  "checkpoint.flow": CheckpointFlowPayload;
}

export type EventTopic = keyof EventPayloads;

export const eventTopics = [
  "incident.created",
  "incident.updated",
  "camera.status",
  "hotlist.hit",
  "report.filed",
  "report.missing",
  "report.reminder",
  "cell.changed",
  "checkpoint.flow",
] as const satisfies readonly EventTopic[];

/**
 * The permission every receiver of a topic must hold. An event's own `requires` adds to it
 * (a receiver needs both), so a feature can only narrow who sees an event, never widen it.
 */
export const topicPermission: Record<EventTopic, Permission> = {
  "incident.created": "incidents:read",
  "incident.updated": "incidents:read",
  "camera.status": "cameras:read",
  "hotlist.hit": "hits:read",
  "report.filed": "reports:read",
  "report.missing": "reports:read",
  "report.reminder": "reports:file",
  "cell.changed": "cells:read",
  "checkpoint.flow": "checkpoints:read",
};

/** What a client receives for every topic: the payload plus where it sits in the stream. */
export interface RealtimeEvent<T extends EventTopic = EventTopic> {
  /** Position in the stream: gapless, increasing; resume with `lastSeq`/`catch_up` from the last one seen. */
  seq: number;
  topic: T;
  cellCode: string | null;
  cameraId: string | null;
  /** When the change was committed to the outbox (ISO 8601). */
  at: string;
  payload: EventPayloads[T];
}

/** Rooms a client may ask for; the server authorises every join. */
export type RoomName = `cell:${string}` | `camera:${string}` | `role:${Role}`;

export type AckError = { ok: false; error: { code: RealtimeErrorCode; message: string } };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export type RealtimeErrorCode =
  | "invalid_payload"
  | "unknown_room"
  | "room_forbidden"
  | "too_many_rooms"
  | "catch_up_unavailable"
  | "catch_up_busy"
  | "session_ended"
  | "rate_limited"
  | "internal_error";

export interface JoinRequest {
  room: RoomName;
}
export interface CatchUpRequest {
  since: number;
}
export interface CatchUpResult {
  /** Events were re-sent for seq in (from, to]; `to` is where the live stream continues. */
  from: number;
  to: number;
  count: number;
}

/** Why a client must reload its state instead of resuming (its position is out of the kept window). */
export interface ResyncRequired {
  reason: "too_old" | "unknown_position";
  /** Live events continue after this seq; fetch current state over HTTP, then apply events after it. */
  position: number;
}

export interface RefusedRoom {
  room: string;
  code: RealtimeErrorCode;
}

export interface ReadyInfo {
  /** Live events continue after this seq. */
  position: number;
  rooms: RoomName[];
  /** Handshake rooms that were not granted (the connection goes ahead without them). */
  refused: RefusedRoom[];
}

export type ServerToClientEvents = {
  [T in EventTopic]: (event: RealtimeEvent<T>) => void;
} & {
  /** After connecting (and after any catch-up), the stream is live from `position` on. */
  ready: (info: ReadyInfo) => void;
  resync_required: (info: ResyncRequired) => void;
};

export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (result: Ack<{ rooms: RoomName[] }>) => void) => void;
  leave: (request: JoinRequest, ack: (result: Ack<{ rooms: RoomName[] }>) => void) => void;
  catch_up: (request: CatchUpRequest, ack: (result: Ack<CatchUpResult>) => void) => void;
}

/** Handshake `auth` fields besides credentials (the session cookie or `token`). */
export interface HandshakeAuth {
  /** `gto_…` API token, for clients that cannot send an Authorization header (browsers' WebSocket). */
  token?: string;
  /** Last seq this client saw: it is sent everything after it before live events. */
  lastSeq?: number;
  /** Rooms to join besides the defaults (the caller's assigned cells and its roles). */
  rooms?: RoomName[];
}
