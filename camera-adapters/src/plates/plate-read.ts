import { z } from "zod";

/** Every wire format GridOps can ingest; a parser exists for each. */
export const plateFormatSchema = z.enum([
  "hikvision-isapi",
  "dahua",
  "openalpr",
  "platerecognizer",
  "chinese-parking",
  "generic",
  "frigate",
]);
export type PlateFormat = z.infer<typeof plateFormatSchema>;
export const plateFormats: readonly PlateFormat[] = plateFormatSchema.options;
const knownFormats = new Set<unknown>(plateFormats);
/** One of the wire formats (a set lookup: checked on every push). */
export const isPlateFormat = (format: unknown): format is PlateFormat => knownFormats.has(format);

/** Plate background colour (号牌颜色), see GLOSSARY.md. */
export const plateColourSchema = z.enum([
  "blue",
  "yellow",
  "white",
  "black",
  "green",
  "yellow_green",
  "unknown",
]);
export type PlateColour = z.infer<typeof plateColourSchema>;

/** What kind of plate the text is, by the Chinese plate grammar (GA 36). */
export const plateKindSchema = z.enum([
  "regular",
  "new_energy_small",
  "new_energy_large",
  "police",
  "coach",
  "trailer",
  "consulate",
  "embassy",
  "hong_kong",
  "macau",
  "test",
  "super",
  "emergency",
  "unknown",
]);
export type PlateKind = z.infer<typeof plateKindSchema>;

export const imageRoleSchema = z.enum(["plate", "scene", "other"]);
export type ImageRole = z.infer<typeof imageRoleSchema>;

export const plateImageSchema = z.union([
  z.object({ role: imageRoleSchema, mime: z.string().min(1), data: z.instanceof(Buffer) }),
  z.object({ role: imageRoleSchema, url: z.url() }),
]);
export type PlateImage = z.infer<typeof plateImageSchema>;

/** One value of a read's `details` (and of the generic format's). */
export const detailValueSchema = z.union([z.string().max(512), z.number(), z.boolean(), z.null()]);
/** Small bag of vendor fields worth keeping that have no column of their own. */
export const plateReadDetailsSchema = z
  .record(z.string(), detailValueSchema)
  .refine((r) => Object.keys(r).length <= 48, { message: "too many detail fields" });
export type PlateReadDetails = z.infer<typeof plateReadDetailsSchema>;

export const normalisedPlateReadSchema = z.object({
  /** Normalised: half-width, upper case, separators removed, colour prefix removed. */
  plateText: z.string().min(1).max(32),
  /** Exactly as the device sent it (after charset decoding). */
  plateRaw: z.string().max(128),
  plateColour: plateColourSchema,
  plateValid: z.boolean(),
  plateKind: plateKindSchema,
  /** 0..1, or null when the device gave none. */
  confidence: z.number().min(0).max(1).nullable(),
  /** UTC instant of the capture after time-zone and clock-offset correction. */
  capturedAt: z.date(),
  /** Device identity as sent by the device: serial, MAC, camera id or IP. */
  deviceId: z.string().min(1).max(128),
  /** Channel of a multi-channel device (NVR, dual-lens camera), as sent. */
  channel: z.string().max(64).nullable(),
  lane: z.number().int().nullable(),
  direction: z.string().max(64).nullable(),
  vehicleType: z.string().max(64).nullable(),
  vehicleColour: z.string().max(64).nullable(),
  images: z.array(plateImageSchema),
  vendorEventId: z.string().max(256).nullable(),
  format: plateFormatSchema,
  details: plateReadDetailsSchema,
});
export type NormalisedPlateRead = z.infer<typeof normalisedPlateReadSchema>;
/** Short name used by the parser interface. */
export type PlateRead = NormalisedPlateRead;

const COLOURS = new Set<string>(plateColourSchema.options);
const KINDS = new Set<string>(plateKindSchema.options);

const textUpTo = (v: unknown, max: number) => typeof v === "string" && v.length <= max;
const nullOrTextUpTo = (v: unknown, max: number) => v === null || textUpTo(v, max);

/** A `details` value the read schemas accept as is (the generic format's too), checked without zod. */
export const isDetailValue = (v: unknown): boolean =>
  v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || textUpTo(v, 512);

function isPlainDetails(details: unknown): boolean {
  if (typeof details !== "object" || details === null || Object.getPrototypeOf(details) !== Object.prototype)
    return false;
  const keys = Object.keys(details);
  if (keys.length > 48) return false;
  for (const key of keys) {
    // "__proto__" would become zod's copy's prototype: zod decides that one.
    if (key === "__proto__") return false;
    if (!isDetailValue((details as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * True when normalisedPlateReadSchema would accept the read and give back the same values,
 * checked without zod for the shape every parser builds (no pictures); false means "ask the
 * schema", not "invalid" (plate-read.test.ts holds the two side by side).
 */
export function isWellFormedPlateRead(read: Record<string, unknown>): boolean {
  const r = read;
  return (
    typeof r.plateText === "string" &&
    r.plateText.length >= 1 &&
    r.plateText.length <= 32 &&
    textUpTo(r.plateRaw, 128) &&
    COLOURS.has(r.plateColour as string) &&
    typeof r.plateValid === "boolean" &&
    KINDS.has(r.plateKind as string) &&
    (r.confidence === null || (typeof r.confidence === "number" && r.confidence >= 0 && r.confidence <= 1)) &&
    r.capturedAt instanceof Date &&
    !Number.isNaN(r.capturedAt.getTime()) &&
    typeof r.deviceId === "string" &&
    r.deviceId.length >= 1 &&
    r.deviceId.length <= 128 &&
    nullOrTextUpTo(r.channel, 64) &&
    (r.lane === null || Number.isSafeInteger(r.lane)) &&
    nullOrTextUpTo(r.direction, 64) &&
    nullOrTextUpTo(r.vehicleType, 64) &&
    nullOrTextUpTo(r.vehicleColour, 64) &&
    Array.isArray(r.images) &&
    r.images.length === 0 &&
    nullOrTextUpTo(r.vendorEventId, 256) &&
    isPlateFormat(r.format) &&
    isPlainDetails(r.details)
  );
}
