import { z } from "zod";
import type { HttpClientOptions } from "./http.js";
import { JsonRequester, type Query } from "./json-request.js";

const isoTime = z.string().min(1);

export const hitSchema = z.object({
  id: z.number(),
  readId: z.number(),
  readCapturedAt: isoTime,
  entryId: z.number(),
  hotlistId: z.number(),
  plate: z.string(),
  listedPlate: z.string(),
  matchLevel: z.string(),
  reasonCode: z.string(),
  priority: z.string(),
  caseReference: z.string(),
  cameraId: z.string().nullable(),
  checkpointId: z.string().nullable(),
  cellCode: z.string().nullable(),
  incidentId: z.number().nullable(),
  status: z.enum(["pending", "confirmed", "dismissed"]),
  reviewedBy: z.string().nullable(),
  reviewedAt: isoTime.nullable(),
  reviewNote: z.string().nullable(),
  createdAt: isoTime,
});
export type Hit = z.infer<typeof hitSchema>;
export type HitStatus = Hit["status"];

const hitPageSchema = z.object({ hits: z.array(hitSchema), nextBeforeId: z.number().nullable() });
export type HitPage = z.infer<typeof hitPageSchema>;

export const reasonCodeSchema = z.object({ code: z.string(), name: z.string(), name_en: z.string() });
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

export const hotlistSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  created_by_actor: z.string(),
  created_at: isoTime,
  archived_at: isoTime.nullable(),
  live_entries: z.number(),
});
export type Hotlist = z.infer<typeof hotlistSchema>;

const hotlistsSchema = z.object({ hotlists: z.array(hotlistSchema), reasonCodes: z.array(reasonCodeSchema) });

export const MATCH_LEVELS = ["exact", "confusable", "confusable_plus_one"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const PLATE_COLOURS = ["blue", "yellow", "white", "black", "green", "yellow_green"] as const;
export type MatchLevel = (typeof MATCH_LEVELS)[number];
export type Priority = (typeof PRIORITIES)[number];

export const hotlistEntrySchema = z.object({
  id: z.number(),
  hotlistId: z.number(),
  plate: z.string(),
  plateColour: z.string().nullable(),
  matchLevel: z.string(),
  reasonCode: z.string(),
  caseReference: z.string(),
  priority: z.string(),
  expiresAt: isoTime,
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  removedAt: isoTime.nullable(),
  removedBy: z.string().nullable(),
});
export type HotlistEntry = z.infer<typeof hotlistEntrySchema>;

export interface NewHotlistEntry {
  plate: string;
  plateColour: string | null;
  matchLevel: MatchLevel;
  reasonCode: string;
  caseReference: string;
  priority: Priority;
  /** ISO 8601, in the future, at most a year ahead (the server refuses more). */
  expiresAt: string;
  note: string | null;
}

export const searchPurposeSchema = z.object({ code: z.string(), name: z.string(), name_en: z.string() });
export type SearchPurpose = z.infer<typeof searchPurposeSchema>;

export const plateReadSchema = z.object({
  id: z.number(),
  capturedAt: isoTime,
  plate: z.string(),
  plateRaw: z.string(),
  plateColour: z.string(),
  plateValid: z.boolean(),
  plateKind: z.string(),
  confidence: z.number().nullable(),
  format: z.string(),
  cameraId: z.string(),
  checkpointId: z.string().nullable(),
  lane: z.number().nullable(),
  direction: z.string().nullable(),
  vehicleType: z.string().nullable(),
  vehicleColour: z.string().nullable(),
  cellCode: z.string().nullable(),
  flags: z.array(z.string()),
  images: z.array(z.object({ role: z.string(), url: z.string(), stored: z.boolean() })),
});
export type PlateRead = z.infer<typeof plateReadSchema>;

const searchPageSchema = z.object({
  reads: z.array(plateReadSchema),
  nextCursor: z.string().nullable(),
  auditId: z.number().optional(),
});
export type SearchPage = z.infer<typeof searchPageSchema>;

/** A plate search: the purpose and the case reference are part of the question, always. */
export interface PlateSearch {
  plate?: string;
  match?: "exact" | "partial";
  /** ISO 8601. */
  from: string;
  to: string;
  checkpointId?: string;
  cellCode?: string;
  purposeCode?: string;
  purposeText?: string;
  caseReference: string;
}

export const deadLetterSchema = z.object({
  id: z.number(),
  receivedAt: isoTime,
  lastReceivedAt: isoTime,
  occurrences: z.number(),
  format: z.string(),
  reasonCode: z.string(),
  message: z.string(),
  messageZh: z.string(),
  field: z.string().nullable(),
  sourceIp: z.string().nullable(),
  deviceHint: z.string().nullable(),
  pushedBy: z.string(),
  contentType: z.string().nullable(),
  payloadSize: z.number(),
  payloadTruncated: z.boolean(),
  status: z.string(),
  replayedAt: isoTime.nullable(),
  replayedBy: z.string().nullable(),
  replayResult: z.unknown(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

const deadLetterPageSchema = z.object({
  deadLetters: z.array(deadLetterSchema),
  nextBeforeId: z.number().nullable(),
});
export type DeadLetterPage = z.infer<typeof deadLetterPageSchema>;

export const replayOutcomeSchema = z.object({
  id: z.number(),
  ok: z.boolean(),
  stored: z.number(),
  duplicates: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ReplayOutcome = z.infer<typeof replayOutcomeSchema>;

export const flowSchema = z.object({
  checkpointId: z.string(),
  bucketMinutes: z.number(),
  from: isoTime,
  to: isoTime,
  buckets: z.array(
    z.object({
      start: isoTime,
      vehicles: z.number(),
      lanes: z.array(z.object({ lane: z.number().nullable(), vehicles: z.number() })),
    }),
  ),
});
export type CheckpointFlow = z.infer<typeof flowSchema>;

function cleanSearch(search: PlateSearch): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [key, value] of Object.entries(search)) {
    if (typeof value === "string" && value.trim() !== "") body[key] = value.trim();
  }
  return body;
}

/** Hits, hotlists, plate search and export, dead letters and checkpoint flow. */
export class PlatesApi {
  readonly #http: JsonRequester;

  constructor(options: HttpClientOptions = {}) {
    this.#http = new JsonRequester(options);
  }

  hits(status: HitStatus | null, beforeId: number | null, limit = 50): Promise<HitPage> {
    return this.#http.get("/api/v1/hotlist-hits", hitPageSchema, { status, beforeId, limit });
  }

  hit(id: number): Promise<Hit> {
    return this.#http.get(`/api/v1/hotlist-hits/${id}`, hitSchema);
  }

  reviewHit(id: number, decision: "confirm" | "dismiss", note: string | null): Promise<Hit> {
    return this.#http.post(`/api/v1/hotlist-hits/${id}/${decision}`, { note }, hitSchema);
  }

  hotlists(): Promise<z.infer<typeof hotlistsSchema>> {
    return this.#http.get("/api/v1/hotlists", hotlistsSchema);
  }

  createHotlist(name: string, description: string | null): Promise<void> {
    return this.#http.send("POST", "/api/v1/hotlists", { name, description });
  }

  async entries(hotlistId: number, includeInactive: boolean): Promise<HotlistEntry[]> {
    const query: Query = { all: includeInactive ? "true" : "false" };
    const body = await this.#http.get(
      `/api/v1/hotlists/${hotlistId}/entries`,
      z.object({ entries: z.array(hotlistEntrySchema) }),
      query,
    );
    return body.entries;
  }

  addEntry(hotlistId: number, entry: NewHotlistEntry): Promise<HotlistEntry> {
    return this.#http.post(`/api/v1/hotlists/${hotlistId}/entries`, entry, hotlistEntrySchema);
  }

  /** Only these may change; the plate, reason and case of an entry are fixed once listed. */
  updateEntry(
    hotlistId: number,
    entryId: number,
    change: { priority?: Priority; matchLevel?: MatchLevel; expiresAt?: string; note?: string | null },
  ): Promise<HotlistEntry> {
    return this.#http.patch(`/api/v1/hotlists/${hotlistId}/entries/${entryId}`, change, hotlistEntrySchema);
  }

  removeEntry(hotlistId: number, entryId: number): Promise<void> {
    return this.#http.send("DELETE", `/api/v1/hotlists/${hotlistId}/entries/${entryId}`);
  }

  async searchPurposes(): Promise<SearchPurpose[]> {
    return (
      await this.#http.get(
        "/api/v1/plates/search-purposes",
        z.object({ purposes: z.array(searchPurposeSchema) }),
      )
    ).purposes;
  }

  /** POST, so plates never sit in URLs, proxy logs or browser history. */
  search(search: PlateSearch, cursor: string | null, limit = 50): Promise<SearchPage> {
    return this.#http.post(
      "/api/v1/plates/search",
      { ...cleanSearch(search), limit, ...(cursor ? { cursor } : {}) },
      searchPageSchema,
    );
  }

  exportCsv(search: PlateSearch): Promise<string> {
    return this.#http.postForText("/api/v1/plates/export", cleanSearch(search));
  }

  deadLetters(status: string | null, beforeId: number | null, limit = 50): Promise<DeadLetterPage> {
    return this.#http.get("/api/v1/ingest/dead-letters", deadLetterPageSchema, { status, beforeId, limit });
  }

  replayDeadLetter(id: number): Promise<ReplayOutcome> {
    return this.#http.post(`/api/v1/ingest/dead-letters/${id}/replay`, {}, replayOutcomeSchema);
  }

  checkpointFlow(
    checkpointId: string,
    from: Date,
    to: Date,
    bucketMinutes: 5 | 15 | 60 = 5,
  ): Promise<CheckpointFlow> {
    return this.#http.get(`/api/v1/checkpoints/${encodeURIComponent(checkpointId)}/flow`, flowSchema, {
      bucket: String(bucketMinutes),
      from: from.toISOString(),
      to: to.toISOString(),
    });
  }
}
