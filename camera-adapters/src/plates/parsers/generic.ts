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
import {
  detailValueSchema,
  imageRoleSchema,
  isDetailValue,
  type PlateImage,
  type PlateRead,
  plateColourSchema,
} from "../plate-read.js";
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
      .record(z.string().max(64), detailValueSchema)
      .refine((d) => Object.keys(d).length <= 32, "at most 32 detail fields")
      .default({}),
  })
  .strict();
export type GenericPlateRead = z.infer<typeof genericPlateReadSchema>;

const GENERIC_FIELDS = new Set(Object.keys(genericPlateReadSchema.shape));
const PLATE_COLOURS = new Set<string>(plateColourSchema.options);
/** The pattern z.iso.datetime({ offset: true }) checks with (the same zod call builds it). */
const CAPTURED_AT = z.regexes.datetime({ offset: true });

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown, min: number, max: number): v is string =>
  typeof v === "string" && v.length >= min && v.length <= max;
/** Absent → null; null or a string up to `max` as is; anything else → undefined (not the fast shape). */
function optionalText(v: unknown, max: number): string | null | undefined {
  if (v === undefined || v === null) return null;
  return isText(v, 0, max) ? v : undefined;
}

function plainDetails(v: unknown): GenericPlateRead["details"] | undefined {
  if (v === undefined) return {};
  if (!isRecord(v) || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const keys = Object.keys(v);
  if (keys.length > 32) return undefined;
  for (const key of keys) {
    // "__proto__" would be the prototype in zod's copy, not a field: zod decides that one.
    if (key.length > 64 || key === "__proto__" || !isDetailValue(v[key])) return undefined;
  }
  return v as GenericPlateRead["details"];
}

/**
 * genericPlateReadSchema's result for the shape nearly every push has — known fields of the
 * right types, no pictures — without running zod (per read, zod cost more than the rest of
 * the parse). Anything else, valid or not, gives null and goes through the schema, which
 * then decides and words the error: this check may refuse what the schema accepts, never
 * the reverse (generic.test.ts holds the two side by side).
 */
export function wellFormedGenericRead(v: unknown): GenericPlateRead | null {
  if (!isRecord(v)) return null;
  for (const key of Object.keys(v)) if (!GENERIC_FIELDS.has(key)) return null;
  const { plate, plateColour, confidence, capturedAt, deviceId, lane, images } = v;
  if (!isText(plate, 1, 64) || !isText(deviceId, 1, 128)) return null;
  if (typeof capturedAt !== "string" || !CAPTURED_AT.test(capturedAt)) return null;
  if (plateColour !== undefined && !(typeof plateColour === "string" && PLATE_COLOURS.has(plateColour)))
    return null;
  if (
    confidence !== undefined &&
    confidence !== null &&
    !(typeof confidence === "number" && confidence >= 0 && confidence <= 1)
  )
    return null;
  if (
    lane !== undefined &&
    lane !== null &&
    !(Number.isInteger(lane) && (lane as number) >= 0 && (lane as number) <= 99)
  )
    return null;
  if (images !== undefined && !(Array.isArray(images) && images.length === 0)) return null;
  const channel = optionalText(v.channel, 64);
  const direction = optionalText(v.direction, 64);
  const vehicleType = optionalText(v.vehicleType, 64);
  const vehicleColour = optionalText(v.vehicleColour, 64);
  const eventId = optionalText(v.eventId, 256);
  const details = plainDetails(v.details);
  if (
    channel === undefined ||
    direction === undefined ||
    vehicleType === undefined ||
    vehicleColour === undefined ||
    eventId === undefined ||
    details === undefined
  )
    return null;
  return {
    plate,
    plateColour: (plateColour ?? "unknown") as GenericPlateRead["plateColour"],
    confidence: (confidence ?? null) as number | null,
    capturedAt,
    deviceId,
    channel,
    lane: (lane ?? null) as number | null,
    direction,
    vehicleType,
    vehicleColour,
    eventId,
    images: [],
    details,
  };
}

/** Every read by the fast check, or null when any one needs the schema. */
function wellFormedGenericReads(items: readonly unknown[]): GenericPlateRead[] | null {
  const reads: GenericPlateRead[] = [];
  for (const item of items) {
    const read = wellFormedGenericRead(item);
    if (!read) return null;
    reads.push(read);
  }
  return reads;
}

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

function toRead(read: GenericPlateRead, input: PlateParseInput, budget: PictureBudget): PlateRead {
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
      images: imagesOf(read, budget),
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
    const payload =
      (reads.length > 0 ? wellFormedGenericReads(reads) : null) ??
      (Array.isArray(doc)
        ? parseWithSchema(z.array(genericPlateReadSchema).min(1), doc)
        : [parseWithSchema(genericPlateReadSchema, doc)]);
    // One budget for the whole push: the picture cap is per push, however the reads share them.
    const budget = new PictureBudget(resolveLimits(input));
    return collectReads(payload, (r) => toRead(r, input, budget));
  },
};
