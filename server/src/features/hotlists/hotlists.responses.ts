import { plateColourSchema } from "@gridops/camera-adapters/plates/index";
import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the hotlist routes as they go over the wire (OpenAPI; checked in tests).

const matchLevel = z
  .enum(["exact", "confusable", "confusable_plus_one"])
  .describe(
    "exact; confusable: look-alike characters match; confusable_plus_one: and one more character may differ",
  );
const priority = z.enum(["low", "normal", "high", "urgent"]);

export const hotlistsResponse = z.object({
  hotlists: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      description: z.string().nullable(),
      created_by_actor: z.string(),
      created_at: timestamp,
      archived_at: timestamp.nullable(),
      live_entries: z.number().int().describe("Entries neither removed nor expired"),
    }),
  ),
  reasonCodes: z.array(z.object({ code: z.string(), name: z.string(), name_en: z.string() })),
});

export const createdHotlistResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
});

export const hotlistEntryResponse = z.object({
  id: z.number().int(),
  hotlistId: z.number().int(),
  plate: z.string().describe("The plate as matched (normalised)"),
  plateColour: plateColourSchema.nullable().describe("Null matches any colour"),
  matchLevel,
  reasonCode: z.string(),
  caseReference: z.string(),
  priority,
  expiresAt: timestamp,
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
  removedAt: timestamp.nullable(),
  removedBy: z.string().nullable(),
});

export const hotlistEntriesResponse = z.object({ entries: z.array(hotlistEntryResponse) });

export const hitResponse = z.object({
  id: z.number().int(),
  readId: z.number().int(),
  readCapturedAt: timestamp,
  entryId: z.number().int(),
  hotlistId: z.number().int(),
  plate: z.string().describe("The plate as read"),
  listedPlate: z.string().describe("The hotlist entry's plate it matched"),
  matchLevel,
  reasonCode: z.string(),
  priority,
  caseReference: z.string(),
  cameraId: z.string().nullable(),
  checkpointId: z.string().nullable(),
  cellCode: z.string().nullable(),
  incidentId: z.number().int().nullable(),
  status: z.enum(["pending", "confirmed", "dismissed"]),
  reviewedBy: z.string().nullable(),
  reviewedAt: timestamp.nullable(),
  reviewNote: z.string().nullable(),
  createdAt: timestamp,
});

export const hitPageResponse = z.object({
  hits: z.array(hitResponse),
  nextBeforeId: z.number().int().nullable().describe("Pass as beforeId for the next page; null on the last"),
});
