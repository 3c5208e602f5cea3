import { z } from "zod";
import { decodeBodyText } from "../body-text.js";
import { parseMultipart } from "../multipart.js";
import {
  checkEnvelope,
  confidenceOrNull,
  ensureReadCount,
  type PlateParseInput,
  type PlateParser,
  parseJsonText,
  parseWithSchema,
  resolveLimits,
  textOrNull,
} from "../parser-kit.js";
import { PlateParseError } from "../plate-errors.js";
import type { PlateImage, PlateRead } from "../plate-read.js";
import { buildPlateRead, collectReads, PictureBudget, sniffImageMime } from "../read-builder.js";

/**
 * Plate Recognizer (Stream and Snapshot) webhooks: JSON `{hook, data:{results}}`, or
 * multipart with a "json" field holding that JSON and an "upload" file with the image.
 * Snapshot API responses (`{results, camera_id, timestamp}` at the top) are read too.
 */
const CONTENT_TYPES = ["application/json", "text/json", "text/plain", "multipart/form-data"] as const;
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
const scored = z
  .array(z.looseObject({ color: scalar, make: scalar, model: scalar, score: scalar }))
  .optional();

const resultSchema = z.looseObject({
  plate: z.string().optional(),
  score: scalar,
  dscore: scalar,
  region: z.looseObject({ code: scalar, score: scalar }).nullish(),
  vehicle: z.looseObject({ type: scalar, score: scalar }).nullish(),
  color: scored,
  model_make: scored,
  direction: scalar,
  candidates: z.array(z.looseObject({ plate: scalar })).optional(),
});

const dataSchema = z.looseObject({
  camera_id: scalar,
  filename: scalar,
  timestamp: scalar,
  results: z.array(resultSchema),
});

const webhookSchema = z.looseObject({
  hook: z.looseObject({ id: scalar, event: scalar, filename: scalar }).optional(),
  data: dataSchema.optional(),
});

function documentFrom(doc: unknown): { hookEvent: string | null; hookId: string | null; data: unknown } {
  const w = parseWithSchema(webhookSchema, doc);
  if (w.data !== undefined || w.hook !== undefined) {
    return { hookEvent: textOrNull(w.hook?.event), hookId: textOrNull(w.hook?.id, 128), data: w.data };
  }
  return { hookEvent: null, hookId: null, data: doc };
}

function reads(doc: unknown, upload: PlateImage | null, input: PlateParseInput): PlateRead[] {
  const { hookEvent, hookId, data } = documentFrom(doc);
  if (hookEvent !== null && hookEvent !== "recognition" && hookEvent !== "image.done") return [];
  if (data === undefined) return [];
  const d = parseWithSchema(dataSchema, data);
  ensureReadCount(d.results.length, resolveLimits(input));
  const timestamp = textOrNull(d.timestamp);
  const filename = textOrNull(d.filename, 240);
  return collectReads(d.results, (r, index) =>
    buildPlateRead(
      {
        plateRaw: r.plate ?? "",
        confidence: confidenceOrNull(r.score),
        time: timestamp ? { kind: "iso", value: timestamp } : null,
        deviceId: textOrNull(d.camera_id, 128) ?? hookId,
        direction: textOrNull(r.direction),
        vehicleType: textOrNull(r.vehicle?.type),
        vehicleColour: textOrNull(r.color?.[0]?.color),
        images: upload ? [upload] : [],
        vendorEventId: filename === null ? null : d.results.length > 1 ? `${filename}#${index}` : filename,
        details: {
          region: textOrNull(r.region?.code),
          detectionScore: confidenceOrNull(r.dscore),
          make: textOrNull(r.model_make?.[0]?.make),
          model: textOrNull(r.model_make?.[0]?.model),
          candidates: r.candidates
            ?.map((c) => textOrNull(c.plate))
            .filter(Boolean)
            .join(","),
        },
      },
      "platerecognizer",
      input,
    ),
  );
}

async function fromMultipart(input: PlateParseInput): Promise<PlateRead[]> {
  const limits = resolveLimits(input);
  const parts = await parseMultipart(input.body, input.contentType, limits, 0);
  const json = parts.fields.find((f) => f.name === "json");
  if (!json) throw new PlateParseError("missing_part", 'no "json" field');
  const file = parts.files.find((f) => f.fieldName === "upload") ?? parts.files[0];
  let upload: PlateImage | null = null;
  if (file) {
    new PictureBudget(limits).take(file.data.length, file.filename || file.fieldName);
    const mime = file.mime.startsWith("image/") ? file.mime : (sniffImageMime(file.data) ?? "image/jpeg");
    upload = { role: "scene", mime, data: file.data };
  }
  return reads(parseJsonText(json.value), upload, input);
}

export const platerecognizerParser: PlateParser = {
  format: "platerecognizer",
  contentTypes: CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, CONTENT_TYPES);
    if (ct.mediaType === "multipart/form-data") return fromMultipart(input);
    return reads(parseJsonText(decodeBodyText(input.body, ct.params.charset).text), null, input);
  },
};
