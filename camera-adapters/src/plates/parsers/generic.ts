import { z } from "zod";
import { decodeBodyText } from "../body-text.js";
import {
  checkEnvelope,
  ensureReadCount,
  type PlateParseInput,
  type PlateParser,
  parseJsonText,
  parseWithSchema,
  resolveLimits,
} from "../parser-kit.js";
import { imageRoleSchema, type PlateImage, type PlateRead, plateColourSchema } from "../plate-read.js";
import { buildPlateRead, collectReads, PictureBudget } from "../read-builder.js";

/**
 * GridOps' own plate-read format for integrators whose devices can be scripted (see
 * GENERIC-FORMAT.md). Its fields mirror NormalisedPlateRead; times are ISO-8601 with an
 * offset so nothing depends on the device's zone.
 */
const CONTENT_TYPES = ["application/json", "application/vnd.gridops.plate-read+json"] as const;

export const genericPlateImageSchema = z.union([
  z
    .object({
      role: imageRoleSchema,
      mime: z.string().regex(/^image\/[a-z0-9.+-]+$/, "an image/* media type"),
      base64: z.string().min(1),
    })
    .strict(),
  z.object({ role: imageRoleSchema, url: z.url({ protocol: /^https?$/ }) }).strict(),
]);

const detailValue = z.union([z.string().max(512), z.number(), z.boolean(), z.null()]);

export const genericPlateReadSchema = z
  .object({
    plate: z.string().min(1).max(64).describe("Plate text as read; GridOps normalises it."),
    plateColour: plateColourSchema.default("unknown"),
    confidence: z.number().min(0).max(1).nullable().default(null),
    capturedAt: z.iso.datetime({ offset: true }).describe("ISO-8601 with Z or ±hh:mm"),
    deviceId: z.string().min(1).max(128),
    channel: z.string().max(64).nullable().default(null),
    lane: z.number().int().min(0).max(99).nullable().default(null),
    direction: z.string().max(64).nullable().default(null),
    vehicleType: z.string().max(64).nullable().default(null),
    vehicleColour: z.string().max(64).nullable().default(null),
    eventId: z.string().max(256).nullable().default(null).describe("Sender's id, used to drop duplicates"),
    images: z.array(genericPlateImageSchema).max(16).default([]),
    details: z
      .record(z.string().max(64), detailValue)
      .refine((d) => Object.keys(d).length <= 32, "at most 32 detail fields")
      .default({}),
  })
  .strict();
export type GenericPlateRead = z.infer<typeof genericPlateReadSchema>;

/** The body: one read, or an array of reads. */
export const genericPlatePayloadSchema = z.union([
  genericPlateReadSchema,
  z.array(genericPlateReadSchema).min(1),
]);
export type GenericPlatePayload = z.infer<typeof genericPlatePayloadSchema>;

function imagesOf(read: GenericPlateRead, budget: PictureBudget): PlateImage[] {
  const images: PlateImage[] = [];
  read.images.forEach((image, i) => {
    if ("url" in image) {
      budget.take(0, image.url);
      images.push(image);
      return;
    }
    const decoded = budget.base64(image.base64, image.role, `images.${i}`, image.mime);
    if (decoded) images.push({ ...decoded, mime: image.mime });
  });
  return images;
}

function toRead(read: GenericPlateRead, input: PlateParseInput): PlateRead {
  return buildPlateRead(
    {
      plateRaw: read.plate,
      deviceColour: read.plateColour,
      confidence: read.confidence,
      time: { kind: "iso", value: read.capturedAt },
      deviceId: read.deviceId,
      channel: read.channel,
      lane: read.lane,
      direction: read.direction,
      vehicleType: read.vehicleType,
      vehicleColour: read.vehicleColour,
      images: imagesOf(read, new PictureBudget(resolveLimits(input))),
      vendorEventId: read.eventId,
      details: read.details,
    },
    "generic",
    input,
  );
}

export const genericParser: PlateParser = {
  format: "generic",
  contentTypes: CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, CONTENT_TYPES);
    const doc = parseJsonText(decodeBodyText(input.body, ct.params.charset).text);
    const reads = Array.isArray(doc) ? doc : [doc];
    ensureReadCount(reads.length, resolveLimits(input));
    // Validated item by item so an error names the item and field (a union would not).
    const payload = Array.isArray(doc)
      ? parseWithSchema(z.array(genericPlateReadSchema).min(1), doc)
      : [parseWithSchema(genericPlateReadSchema, doc)];
    return collectReads(payload, (r) => toRead(r, input));
  },
};
