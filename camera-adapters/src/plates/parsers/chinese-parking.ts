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
  resolveLimits,
  textOrNull,
} from "../parser-kit.js";
import { PlateParseError } from "../plate-errors.js";
import { classifyPlate, provinceAbbreviations } from "../plate-grammar.js";
import type { PlateColour, PlateImage, PlateRead } from "../plate-read.js";
import type { DeviceTime } from "../plate-time.js";
import { buildPlateRead, PictureBudget } from "../read-builder.js";

/**
 * The HTTP push most Chinese parking / barrier cameras share (臻识 Vzenith and the many
 * OEMs on the same firmware, AlphaDigi, ...): `{"AlarmInfoPlate":{..., "result":{"PlateResult":{...}}}}`.
 * Bodies are often GBK whatever the header says; some firmwares base64-encode `license`.
 */
const CONTENT_TYPES = [...JSON_CONTENT_TYPES, "application/x-www-form-urlencoded"] as const;
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();

const plateResultSchema = z.looseObject({
  license: z.string().optional(),
  colorType: scalar,
  confidence: scalar,
  plateid: scalar,
  direction: scalar,
  type: scalar,
  carColor: scalar,
  triggerType: scalar,
  isoffline: scalar,
  imageFile: z.string().optional(),
  imageFragmentFile: z.string().optional(),
  timeStamp: z.looseObject({ Timeval: z.looseObject({ sec: scalar, usec: scalar }).optional() }).optional(),
});

const alarmSchema = z.looseObject({
  channel: scalar,
  deviceName: scalar,
  ipaddr: scalar,
  serialno: scalar,
  result: z.looseObject({ PlateResult: plateResultSchema }),
});

/** colorType as documented by these firmwares: 0 unknown, 1 blue, 2 yellow, 3 white, 4 black, 5 green. */
const colourCodes: Record<number, PlateColour> = {
  1: "blue",
  2: "yellow",
  3: "white",
  4: "black",
  5: "green",
};

const NON_PLATE_MESSAGES = ["heartbeat", "AlarmGioIn", "SerialData", "KeepAlive", "Response_Heartbeat"];

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Firmwares that base64 the plate: decode only when the result is a well-formed Chinese plate. */
function licenseText(raw: string): string {
  if (classifyPlate(raw).valid || !/^[A-Za-z0-9+/]{4,}={0,2}$/.test(raw) || raw.length % 4 !== 0) return raw;
  try {
    const decoded = strictUtf8.decode(Buffer.from(raw, "base64"));
    return provinceAbbreviations.includes(decoded.charAt(0)) || decoded.startsWith("_") ? decoded : raw;
  } catch {
    return raw;
  }
}

function captureTime(result: z.infer<typeof plateResultSchema>): DeviceTime | null {
  const sec = numberOrNull(result.timeStamp?.Timeval?.sec);
  if (sec === null) return null;
  return { kind: "sec_usec", sec, usec: numberOrNull(result.timeStamp?.Timeval?.usec) ?? 0 };
}

function alarmRead(alarm: z.infer<typeof alarmSchema>, input: PlateParseInput): PlateRead {
  const r = alarm.result.PlateResult;
  const budget = new PictureBudget(resolveLimits(input));
  const images: PlateImage[] = [];
  const scene = r.imageFile ? budget.base64(r.imageFile, "scene", "imageFile") : null;
  if (scene) images.push(scene);
  const crop = r.imageFragmentFile ? budget.base64(r.imageFragmentFile, "plate", "imageFragmentFile") : null;
  if (crop) images.push(crop);
  const raw = r.license ?? "";
  return buildPlateRead(
    {
      plateRaw: licenseText(raw),
      deviceColour: colourCodes[numberOrNull(r.colorType) ?? 0] ?? "unknown",
      confidence: confidenceOrNull(r.confidence),
      time: captureTime(r),
      deviceId:
        textOrNull(alarm.serialno, 128) ?? textOrNull(alarm.ipaddr) ?? textOrNull(alarm.deviceName, 128),
      channel: textOrNull(alarm.channel),
      direction: textOrNull(r.direction),
      images,
      vendorEventId: textOrNull(r.plateid),
      details: {
        deviceName: textOrNull(alarm.deviceName, 128),
        ipAddress: textOrNull(alarm.ipaddr),
        colorTypeCode: numberOrNull(r.colorType),
        plateTypeCode: numberOrNull(r.type),
        carColorCode: numberOrNull(r.carColor),
        triggerType: numberOrNull(r.triggerType),
        offlineRecord: numberOrNull(r.isoffline) === 1 ? true : undefined,
        licenseWasBase64: raw !== licenseText(raw) ? true : undefined,
      },
    },
    "chinese-parking",
    input,
  );
}

export const chineseParkingParser: PlateParser = {
  format: "chinese-parking",
  contentTypes: CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, CONTENT_TYPES);
    const doc = parseJsonText(decodeBodyText(input.body, ct.params.charset).text);
    const envelope = z
      .looseObject({
        AlarmInfoPlate: z.unknown(),
        payload: z.looseObject({ AlarmInfoPlate: z.unknown() }).optional(),
      })
      .partial()
      .safeParse(doc);
    if (!envelope.success) throw new PlateParseError("invalid_payload", "not a JSON object");
    const alarm = envelope.data.AlarmInfoPlate ?? envelope.data.payload?.AlarmInfoPlate;
    if (alarm === undefined) {
      // Heartbeats, serial-port data and I/O alarms share the endpoint and carry no plate.
      if (NON_PLATE_MESSAGES.some((key) => key in envelope.data)) return [];
      throw new PlateParseError("invalid_payload", "no AlarmInfoPlate", { field: "AlarmInfoPlate" });
    }
    return [alarmRead(parseWithSchema(alarmSchema, alarm), input)];
  },
};
