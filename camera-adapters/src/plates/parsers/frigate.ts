import { z } from "zod";
import { decodeBodyText } from "../body-text.js";
import {
  checkEnvelope,
  confidenceOrNull,
  JSON_CONTENT_TYPES,
  numberOrNull,
  type PlateParseInput,
  type PlateParser,
  parseJsonText,
  parseWithSchema,
  textOrNull,
} from "../parser-kit.js";
import type { PlateRead } from "../plate-read.js";
import { buildPlateRead } from "../read-builder.js";

/**
 * Frigate NVR tracked-object messages on MQTT `frigate/events` (`{type, before, after}`).
 * Frigate's own LPR (0.16+) puts the plate in `after.recognized_license_plate` with
 * `recognized_license_plate_score`, and a known plate's name in `sub_label` ([name, score]).
 * Add-ons such as frigate_plate_recognizer put the plate text itself in `sub_label`.
 */
const VEHICLE_LABELS = new Set(["car", "motorcycle", "bus", "truck", "bicycle", "license_plate", "vehicle"]);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
const labelWithScore = z
  .union([z.string(), z.tuple([z.string(), z.number()]).rest(z.unknown()), z.null()])
  .optional();

const trackedObjectSchema = z.looseObject({
  id: z.string().min(1),
  camera: z.string().min(1),
  label: z.string(),
  sub_label: labelWithScore,
  recognized_license_plate: labelWithScore,
  recognized_license_plate_score: scalar,
  frame_time: scalar,
  start_time: scalar,
  end_time: scalar,
  false_positive: z.boolean().optional(),
  top_score: scalar,
  current_zones: z.array(z.string()).optional(),
});

export const frigateEventSchema = z.looseObject({
  type: z.enum(["new", "update", "end"]),
  before: trackedObjectSchema.nullish(),
  after: trackedObjectSchema,
});
export type FrigateEvent = z.infer<typeof frigateEventSchema>;

function nameAndScore(value: z.infer<typeof labelWithScore>): [string | null, number | null] {
  if (typeof value === "string") return [textOrNull(value), null];
  if (Array.isArray(value)) return [textOrNull(value[0]), numberOrNull(value[1])];
  return [null, null];
}

/** A sub_label is taken as plate text only when it has a digit and no spaces: names rarely do. */
function plateLikeSubLabel(text: string | null): string | null {
  return text && /\d/.test(text) && !/\s/.test(text.trim()) && text.length <= 12 ? text : null;
}

function plateOf(
  after: FrigateEvent["after"],
): { text: string; score: number | null; source: string } | null {
  const [lpr, lprScore] = nameAndScore(after.recognized_license_plate);
  if (lpr)
    return {
      text: lpr,
      score: numberOrNull(after.recognized_license_plate_score) ?? lprScore,
      source: "lpr",
    };
  const [sub, subScore] = nameAndScore(after.sub_label);
  const plate = plateLikeSubLabel(sub);
  return plate ? { text: plate, score: subScore, source: "sub_label" } : null;
}

export function frigateEventToRead(event: FrigateEvent, input: PlateParseInput): PlateRead | null {
  const { after } = event;
  if (after.false_positive === true || !VEHICLE_LABELS.has(after.label)) return null;
  const plate = plateOf(after);
  if (!plate) return null;
  const time = numberOrNull(after.frame_time) ?? numberOrNull(after.start_time);
  const [subLabel] = nameAndScore(after.sub_label);
  const read = buildPlateRead(
    {
      plateRaw: plate.text,
      confidence: confidenceOrNull(plate.score),
      time: time === null ? null : { kind: "epoch", value: time },
      deviceId: after.camera,
      vehicleType: after.label,
      vendorEventId: after.id,
      details: {
        trackedObjectId: after.id,
        frigateType: event.type,
        plateSource: plate.source,
        subLabel: plate.source === "lpr" ? subLabel : undefined,
        zones: after.current_zones?.join(","),
        startTime: numberOrNull(after.start_time),
        endTime: numberOrNull(after.end_time),
      },
    },
    "frigate",
    input,
  );
  // One tracked object is re-published as its plate improves. The event id names the object and
  // the plate, so a corrected plate is a read of its own (and is matched against the hotlists)
  // while repeats of the same plate stay duplicates.
  return read && { ...read, vendorEventId: `${after.id}/${read.plateText}` };
}

export const frigateParser: PlateParser = {
  format: "frigate",
  contentTypes: JSON_CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, JSON_CONTENT_TYPES);
    const doc = parseJsonText(decodeBodyText(input.body, ct.params.charset).text);
    const read = frigateEventToRead(parseWithSchema(frigateEventSchema, doc), input);
    return read ? [read] : [];
  },
};
