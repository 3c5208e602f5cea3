import {
  imageRoleSchema,
  plateColourSchema,
  plateFormatSchema,
  plateKindSchema,
} from "@gridops/camera-adapters/plates/index";
import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the plate search and count routes as they go over the wire (OpenAPI; checked in tests).

const readFlag = z
  .enum(["invalid_format", "unknown_kind", "time_from_receipt", "low_confidence"])
  .describe(
    "invalid_format: not a plate by the grammar; unknown_kind; time_from_receipt: the device sent no usable time; low_confidence: below 0.5",
  );

const plateReadResponse = z.object({
  id: z.number().int(),
  capturedAt: timestamp,
  plate: z.string().describe("Normalised plate text"),
  plateRaw: z.string().describe("Exactly as the device sent it"),
  plateColour: plateColourSchema,
  plateValid: z.boolean(),
  plateKind: plateKindSchema,
  confidence: z.number().nullable().describe("0..1; null when the device gave none"),
  format: plateFormatSchema,
  cameraId: z.string(),
  checkpointId: z.string().nullable(),
  lane: z.number().int().nullable(),
  direction: z.string().nullable(),
  vehicleType: z.string().nullable(),
  vehicleColour: z.string().nullable(),
  cellCode: z.string().nullable(),
  flags: z.array(readFlag),
  images: z.array(
    z.object({
      role: imageRoleSchema,
      url: z.string().describe("Stored: this server's audited image URL; not stored: the vendor's URL"),
      stored: z.boolean(),
    }),
  ),
});

export const plateSearchResponse = z.object({
  reads: z.array(plateReadResponse),
  nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last"),
  auditId: z.number().int().describe("The audit row recording this search"),
});

export const searchPurposesResponse = z.object({
  purposes: z.array(z.object({ code: z.string(), name: z.string(), name_en: z.string() })),
});

export const plateCountsResponse = z.object({
  from: timestamp,
  to: timestamp,
  counts: z.array(
    z.object({
      checkpointId: z.string().nullable(),
      lane: z.number().int().nullable(),
      cellCode: z.string().nullable(),
      vehicles: z.number().int(),
    }),
  ),
});
