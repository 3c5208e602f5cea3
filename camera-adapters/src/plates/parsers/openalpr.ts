import { z } from "zod";
import { decodeBodyText } from "../body-text.js";
import {
  checkEnvelope,
  confidenceOrNull,
  ensureReadCount,
  JSON_CONTENT_TYPES,
  numberOrNull,
  type PlateParseInput,
  type PlateParser,
  parseJsonText,
  parseWithSchema,
  resolveLimits,
  textOrNull,
} from "../parser-kit.js";
import { PlateParseError } from "../plate-errors.js";
import type { PlateImage, PlateRead } from "../plate-read.js";
import { buildPlateRead, collectReads, PictureBudget } from "../read-builder.js";

/**
 * OpenALPR agent / Rekor Scout webhook JSON: `alpr_group` (one vehicle, best plate of a
 * group of frames), `alpr_results` (every frame; older agents omit `data_type`) and
 * `heartbeat`. Group times are epoch ms; old single-frame results sent epoch seconds.
 */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
const ranked = z.array(z.looseObject({ name: scalar, confidence: scalar })).optional();

const candidatePlate = z.looseObject({
  plate: z.string().optional(),
  confidence: scalar,
  region: scalar,
  plate_crop_jpeg: z.string().optional(),
});

const groupSchema = z.looseObject({
  data_type: z.literal("alpr_group"),
  epoch_start: scalar,
  epoch_end: scalar,
  camera_id: scalar,
  agent_uid: scalar,
  site_id: scalar,
  company_id: scalar,
  best_uuid: scalar,
  uuids: z.array(z.string()).optional(),
  best_plate_number: z.string().optional(),
  best_confidence: scalar,
  best_region: scalar,
  best_plate: candidatePlate.optional(),
  travel_direction: scalar,
  is_parked: scalar,
  vehicle_crop_jpeg: z.string().optional(),
  vehicle: z.looseObject({ color: ranked, make: ranked, make_model: ranked, body_type: ranked }).optional(),
});

const resultsSchema = z.looseObject({
  data_type: z.literal("alpr_results").optional(),
  uuid: scalar,
  epoch_time: scalar,
  camera_id: scalar,
  agent_uid: scalar,
  site_id: scalar,
  results: z.array(candidatePlate.extend({ epoch_time: scalar })),
});

function topName(list: z.infer<typeof ranked>): string | null {
  return textOrNull(list?.[0]?.name);
}

function groupRead(g: z.infer<typeof groupSchema>, input: PlateParseInput): PlateRead {
  const budget = new PictureBudget(resolveLimits(input));
  const images: PlateImage[] = [];
  const crop = g.best_plate?.plate_crop_jpeg;
  const plateImage = crop ? budget.base64(crop, "plate", "plate_crop_jpeg") : null;
  if (plateImage) images.push(plateImage);
  const vehicleImage = g.vehicle_crop_jpeg
    ? budget.base64(g.vehicle_crop_jpeg, "scene", "vehicle_crop_jpeg")
    : null;
  if (vehicleImage) images.push(vehicleImage);
  const start = numberOrNull(g.epoch_start);
  return buildPlateRead(
    {
      plateRaw: g.best_plate_number ?? g.best_plate?.plate ?? "",
      confidence: confidenceOrNull(g.best_confidence ?? g.best_plate?.confidence),
      time: start === null ? null : { kind: "epoch", value: start },
      deviceId: textOrNull(g.camera_id, 128) ?? textOrNull(g.agent_uid, 128),
      direction: textOrNull(g.travel_direction),
      vehicleType: topName(g.vehicle?.body_type),
      vehicleColour: topName(g.vehicle?.color),
      images,
      vendorEventId: textOrNull(g.best_uuid ?? g.uuids?.[0], 256),
      details: {
        region: textOrNull(g.best_region ?? g.best_plate?.region),
        agentUid: textOrNull(g.agent_uid, 128),
        siteId: textOrNull(g.site_id, 128),
        make: topName(g.vehicle?.make),
        makeModel: topName(g.vehicle?.make_model),
        isParked: typeof g.is_parked === "boolean" ? g.is_parked : undefined,
        groupFrames: g.uuids?.length,
      },
    },
    "openalpr",
    input,
  );
}

function resultsReads(r: z.infer<typeof resultsSchema>, input: PlateParseInput): PlateRead[] {
  ensureReadCount(r.results.length, resolveLimits(input));
  return collectReads(r.results, (plate, index) => {
    const epoch = numberOrNull(plate.epoch_time ?? r.epoch_time);
    const uuid = textOrNull(r.uuid, 240);
    return buildPlateRead(
      {
        plateRaw: plate.plate ?? "",
        confidence: confidenceOrNull(plate.confidence),
        time: epoch === null ? null : { kind: "epoch", value: epoch },
        deviceId: textOrNull(r.camera_id, 128) ?? textOrNull(r.agent_uid, 128),
        vendorEventId: uuid === null ? null : r.results.length > 1 ? `${uuid}#${index}` : uuid,
        details: { region: textOrNull(plate.region), siteId: textOrNull(r.site_id, 128) },
      },
      "openalpr",
      input,
    );
  });
}

export const openalprParser: PlateParser = {
  format: "openalpr",
  contentTypes: JSON_CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, JSON_CONTENT_TYPES);
    const doc = parseJsonText(decodeBodyText(input.body, ct.params.charset).text);
    const dataType = z.looseObject({ data_type: z.string().optional() }).safeParse(doc);
    if (!dataType.success) throw new PlateParseError("invalid_payload", "not a JSON object");
    switch (dataType.data.data_type) {
      case "alpr_group":
        return [groupRead(parseWithSchema(groupSchema, doc), input)];
      case "alpr_results":
      case undefined:
        return resultsReads(parseWithSchema(resultsSchema, doc), input);
      default:
        // heartbeat, alpr_alert, vehicle-only events: nothing to read.
        return [];
    }
  },
};
