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

const detailValueSchema = z.union([z.string().max(512), z.number(), z.boolean(), z.null()]);
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
